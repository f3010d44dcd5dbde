"""One certificate's record in the provincial talent database, as this side knows it: what was
sent last (a ``SyncRecorded`` with a fresh ``sync_id``) and what the province answered.

Every rule is idempotent: an issue, revocation or reissue already reflected sends nothing; an
acknowledgement counts only for the send it names.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from skilleval_shared.events.certification import (
    AnyCertificateIssued,
    CertificateCorrected,
    CertificateReissued,
    CertificateRevoked,
)
from skilleval_shared.events.registry import (
    ProvinceSyncAcknowledged,
    SyncOperation,
    SyncRecorded,
)
from skilleval_shared.events.roster import RosterRow

MAX_HISTORY = 20


class SyncStatus(StrEnum):
    WAITING = "waiting"  # a revocation known before its certificate: nothing to send yet
    PENDING = "pending"  # sent, not acknowledged
    ACCEPTED = "accepted"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return {
            "waiting": "等待证书信息",
            "pending": "已报送，待省库确认",
            "accepted": "省库已接收",
            "rejected": "省库退回",
        }[self.value]


class Attempt(BaseModel):
    sync_id: str
    operation: SyncOperation
    sent_at: datetime
    status: SyncStatus = SyncStatus.PENDING
    message: str | None = None
    acknowledged_at: datetime | None = None


class SyncRecord(BaseModel):
    certificate_number: str
    institution_uscc: str
    row: RosterRow | None = None
    reissue_count: int = 0
    revocation_reason: str | None = None
    status: SyncStatus = SyncStatus.WAITING
    sync_id: str | None = None
    operation: SyncOperation | None = None
    sent_at: datetime | None = None
    sent_at_epoch: float = 0.0  # for the reconciliation scan's range filter
    message: str | None = None
    acknowledged_at: datetime | None = None
    sends: int = 0
    history: list[Attempt] = Field(default_factory=list)


Decision = tuple[SyncRecord, SyncRecorded | None]


def _send(record: SyncRecord, *, sync_id: str, now: datetime) -> Decision:
    if record.row is None:
        return record.model_copy(update={"status": SyncStatus.WAITING}), None
    revoke = record.revocation_reason is not None
    operation = SyncOperation.REVOKE if revoke else SyncOperation.UPSERT
    attempt = Attempt(sync_id=sync_id, operation=operation, sent_at=now)
    sent = record.model_copy(
        update={
            "status": SyncStatus.PENDING,
            "sync_id": sync_id,
            "operation": operation,
            "sent_at": now,
            "sent_at_epoch": now.timestamp(),
            "message": None,
            "acknowledged_at": None,
            "sends": record.sends + 1,
            "history": [*record.history, attempt][-MAX_HISTORY:],
        }
    )
    message = SyncRecorded(
        certificate_number=record.certificate_number,
        sync_id=sync_id,
        operation=operation,
        institution_uscc=record.institution_uscc,
        row=record.row,
        revocation_reason=record.revocation_reason,
    )
    return sent, message


def _new(number: str, uscc: str) -> SyncRecord:
    return SyncRecord(certificate_number=number, institution_uscc=uscc)


def on_issued(
    record: SyncRecord | None, data: AnyCertificateIssued, *, sync_id: str, now: datetime
) -> Decision:
    current = record or _new(data.certificate_number, data.institution_uscc)
    if current.row is not None:
        return current, None
    return _send(current.model_copy(update={"row": data.row}), sync_id=sync_id, now=now)


def on_revoked(
    record: SyncRecord | None, data: CertificateRevoked, *, sync_id: str, now: datetime
) -> Decision:
    current = record or _new(data.certificate_number, data.institution_uscc)
    if current.revocation_reason is not None:
        return current, None
    return _send(
        current.model_copy(update={"revocation_reason": data.reason}), sync_id=sync_id, now=now
    )


def on_reissued(
    record: SyncRecord | None, data: CertificateReissued, *, sync_id: str, now: datetime
) -> Decision:
    current = record or _new(data.certificate_number, data.institution_uscc)
    if data.reissue_count <= current.reissue_count:
        return current, None
    row = current.row.model_copy(update={"name": data.holder_name}) if current.row else None
    changed = current.model_copy(update={"reissue_count": data.reissue_count, "row": row})
    if current.revocation_reason is not None:  # a revoked record stays revoked at the province
        return changed, None
    return _send(changed, sync_id=sync_id, now=now)


def on_corrected(
    record: SyncRecord | None, data: CertificateCorrected, *, sync_id: str, now: datetime
) -> Decision:
    current = record or _new(data.certificate_number, data.institution_uscc)
    if data.reissue_count <= current.reissue_count:
        return current, None
    row = (
        current.row.model_copy(
            update={
                "name": data.holder_name,
                "id_type": data.id_type,
                "id_number": data.id_number,
                "occupation_name": data.occupation_name,
                "work_type": None if data.work_type == "--" else data.work_type,
            }
        )
        if current.row
        else None
    )
    changed = current.model_copy(update={"reissue_count": data.reissue_count, "row": row})
    if current.revocation_reason is not None:
        return changed, None
    return _send(changed, sync_id=sync_id, now=now)


def resend(record: SyncRecord, *, sync_id: str, now: datetime) -> Decision:
    return _send(record, sync_id=sync_id, now=now)


def on_acknowledged(
    record: SyncRecord, data: ProvinceSyncAcknowledged, *, now: datetime
) -> SyncRecord | None:
    """The record with the answer, or None when it changes nothing (a repeat, an unknown id)."""
    status = SyncStatus.ACCEPTED if data.accepted else SyncStatus.REJECTED
    history = list(record.history)
    for place, attempt in enumerate(history):
        if attempt.sync_id == data.sync_id:
            if attempt.status == status and attempt.message == data.message:
                return None
            history[place] = attempt.model_copy(
                update={"status": status, "message": data.message, "acknowledged_at": now}
            )
            break
    else:
        return None
    update: dict[str, Any] = {"history": history}
    if data.sync_id == record.sync_id:
        update |= {"status": status, "message": data.message, "acknowledged_at": now}
    return record.model_copy(update=update)
