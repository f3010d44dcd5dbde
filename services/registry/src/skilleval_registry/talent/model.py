"""The talent database's rules: a certificate's record from its events, the person key, the
public view. Pure functions over plain documents; no I/O.

A record only moves forward whatever order its events come in: a revocation is final, a
reissue counts only if it is newer than the last one applied, and an issue replayed after
either changes neither (the projection's sequence guard skips it too; these rules hold even
for events without a sequence).
"""

from __future__ import annotations

import hashlib
import unicodedata
from enum import StrEnum
from typing import Any

from skilleval_shared.events.certification import (
    AnyCertificateIssued,
    CertificateCorrected,
    CertificateReissued,
    CertificateRevoked,
)
from skilleval_shared.validation import mask_id_number, mask_name
from skilleval_shared.validation.occupation import SkillLevel

Document = dict[str, Any]


class Status(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    REISSUED = "reissued"

    @property
    def label(self) -> str:
        return {"valid": "有效", "revoked": "已撤销", "reissued": "已补发"}[self.value]


def normalised_id(value: str) -> str:
    """Full-width digits and spaces as people type them on a phone, made comparable."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def normalised_name(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value).split())


def person_key(id_number: str, name: str) -> str:
    """The ``_id`` prefix under which a person's certificates are indexed: one get per slot,
    and no ID number in clear in any key."""
    text = f"{normalised_id(id_number)}|{normalised_name(name)}"
    return hashlib.sha256(text.encode()).hexdigest()


def district_of(uscc: str) -> str:
    """The institution's registering area (GB/T 2260), positions 3–8 of its USCC."""
    return uscc[2:8]


def issued(body: Document, data: AnyCertificateIssued) -> Document:
    fields: Document = {
        "institution_uscc": data.institution_uscc,
        "institution_name": data.institution_name,
        "roster_id": data.roster_id,
        "id_type": data.id_type.value,
        "id_number": data.id_number,
        "occupation_code": data.occupation_code,
        "occupation_name": data.occupation_name,
        "work_type": data.work_type,
        "level": data.level,
        "issue_date": data.issue_date.isoformat(),
        "year": data.issue_date.year,
        "district": district_of(data.institution_uscc),
        "occupation": f"{data.occupation_name}（{data.occupation_code}）",
        "row": data.row.model_dump(mode="json"),
        "identities": _with(body, data.id_number, data.holder_name),
    }
    if "reissue_count" not in body:  # a later reissue's or correction's details stay
        fields |= {"holder_name": data.holder_name, "reissue_count": 0}
    else:  # what a correction set stays as corrected
        fields = {k: v for k, v in fields.items() if k not in CORRECTABLE or k not in body}
    if "status" not in body:
        fields["status"] = Status.VALID.value
    return body | fields


CORRECTABLE = ("id_type", "id_number", "occupation_name", "work_type", "occupation", "row")


def _with(body: Document, id_number: str, name: str) -> list[str]:
    """Every ``<ID number>|<name>`` the certificate has carried: each stays in the person index,
    so the index is the same whether a correction came in one batch with its issue or after it.
    (Strings, not pairs: FerretDB stores no nested arrays.)"""
    identities: list[str] = body.get("identities", [])
    identity = f"{id_number}|{name}"
    return identities if identity in identities else [*identities, identity]


def corrected(body: Document, data: CertificateCorrected) -> Document:
    """A correction by reissue: the printed details as they now are."""
    if data.reissue_count <= body.get("reissue_count", 0):
        return body
    code = body.get("occupation_code", "")
    fields: Document = {
        "holder_name": data.holder_name,
        "id_type": data.id_type.value,
        "id_number": data.id_number,
        "occupation_name": data.occupation_name,
        "work_type": data.work_type,
        "occupation": f"{data.occupation_name}（{code}）",
        "reissue_count": data.reissue_count,
        "reissued_on": data.corrected_on.isoformat(),
        "identities": _with(body, data.id_number, data.holder_name),
    }
    if body.get("status") != Status.REVOKED.value:
        fields["status"] = Status.REISSUED.value
    if isinstance(body.get("row"), dict):
        fields["row"] = body["row"] | {
            "name": data.holder_name,
            "id_type": data.id_type.value,
            "id_number": data.id_number,
            "occupation_name": data.occupation_name,
            "work_type": None if data.work_type == "--" else data.work_type,
        }
    return body | fields


def revoked(body: Document, data: CertificateRevoked) -> Document:
    return body | {
        "institution_uscc": data.institution_uscc,
        "status": Status.REVOKED.value,
        "revoked_on": data.revoked_on.isoformat(),
        "revocation_reason": data.reason,
    }


def reissued(body: Document, data: CertificateReissued) -> Document:
    if data.reissue_count <= body.get("reissue_count", 0):
        return body
    fields: Document = {
        "holder_name": data.holder_name,
        "reissue_count": data.reissue_count,
        "reissued_on": data.reissued_on.isoformat(),
        "identities": _with(body, body.get("id_number", ""), data.holder_name),
    }
    if body.get("status") != Status.REVOKED.value:
        fields["status"] = Status.REISSUED.value
    if isinstance(body.get("row"), dict):
        fields["row"] = body["row"] | {"name": data.holder_name}
    return body | fields


def holds(record: Document, *, name: str, id_number: str | None = None) -> bool:
    """Whether the record is this person's: the name always, the ID number when given."""
    if "holder_name" not in record or "id_number" not in record:
        return False
    if normalised_name(record["holder_name"]) != normalised_name(name):
        return False
    return id_number is None or normalised_id(record["id_number"]) == normalised_id(id_number)


# What ``holds`` and ``public_view`` read: a lookup fetches no more.
PUBLIC_FIELDS = {
    name: True
    for name in (
        "holder_name",
        "id_type",
        "id_number",
        "occupation_code",
        "occupation_name",
        "work_type",
        "level",
        "institution_name",
        "issue_date",
        "status",
    )
}


def public_view(number: str, record: Document) -> Document:
    """What anyone may see of a certificate: never the full ID number, phone or email."""
    status = Status(record["status"])
    return {
        "certificate_number": number,
        "holder_name": mask_name(record["holder_name"]),
        "id_type": record["id_type"],
        "id_number": mask_id_number(record["id_number"]),
        "occupation_code": record["occupation_code"],
        "occupation_name": record["occupation_name"],
        "work_type": record.get("work_type") or "--",
        "level": record["level"],
        "level_title": SkillLevel(record["level"]).title,
        "institution_name": record["institution_name"],
        "issue_date": record["issue_date"],
        "status": status.value,
        "status_title": status.label,
    }
