"""What one public lookup leaves in the audit log: who asked for what, never a full ID number."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from skilleval_shared.validation import mask_id_number, mask_name


class LookupKind(StrEnum):
    NUMBER = "number"  # certificate number + name
    PERSON = "person"  # ID number + name
    QR = "qr"  # a QR code's address


def audit_entry(
    *,
    entry_id: str,
    at: datetime,
    kind: LookupKind,
    channel: str,
    client: str,
    found: int,
    name: str = "",
    certificate_number: str | None = None,
    id_number: str | None = None,
    outcome: str | None = None,
) -> dict[str, Any]:
    return {
        "_id": entry_id,
        "at": at,
        "kind": kind.value,
        "channel": channel,
        "client": client,
        "found": found,
        "name": mask_name(name) if name else "",
        "certificate_number": certificate_number,
        "id_number": mask_id_number(id_number) if id_number else None,
        "outcome": outcome,
    }
