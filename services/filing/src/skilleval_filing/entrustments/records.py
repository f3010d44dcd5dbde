"""The entrustment aggregate (kind ``entrustment``, one per agreement) and who may see it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from skilleval_filing.actors import Caller
from skilleval_filing.entrustments.model import Entrustment
from skilleval_filing.review import ReviewState
from skilleval_shared.domain_errors import NotFound
from skilleval_shared.storage.aggregates import AggregateStore
from skilleval_shared.storage.mongo import Document

KIND = "entrustment"


class AgreementFile(BaseModel):
    model_config = ConfigDict(frozen=True)

    file_id: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str


class EntrustmentRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    entrustment: Entrustment
    filing_id: str
    file: AgreementFile
    submitted_by: str
    submitted_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None

    @property
    def entrustment_id(self) -> str:
        return self.entrustment.entrustment_id

    @property
    def trustee_uscc(self) -> str:
        return self.entrustment.agreement.trustee_uscc

    @property
    def client_uscc(self) -> str:
        return self.entrustment.agreement.client_uscc

    @property
    def state(self) -> ReviewState:
        return self.entrustment.review.state

    def to_state(self) -> Document:
        return {
            **self.model_dump(mode="json"),
            "trustee_uscc": self.trustee_uscc,
            "client_uscc": self.client_uscc,
            "status": self.state.value,
        }

    def visible_to(self, caller: Caller) -> bool:
        """Staff, the trustee (受托方) and the client (委托方)."""
        return caller.is_staff or caller.uscc in (self.trustee_uscc, self.client_uscc)


async def load(store: AggregateStore, entrustment_id: str) -> tuple[EntrustmentRecord, int]:
    found = await store.load(entrustment_id)
    if found is None:
        raise NotFound("没有这份委托评价协议")
    return EntrustmentRecord.model_validate(found.state), found.version


async def load_visible(
    store: AggregateStore, entrustment_id: str, caller: Caller
) -> EntrustmentRecord:
    """404 also for an enterprise that is not a party, so ids reveal nothing."""
    record, _ = await load(store, entrustment_id)
    if not record.visible_to(caller):
        raise NotFound("没有这份委托评价协议")
    return record


async def listed(
    store: AggregateStore, caller: Caller, status: ReviewState | None
) -> list[EntrustmentRecord]:
    """A scan of the snapshots: staff see all, an enterprise those it is a party to."""
    query: dict[str, Any] = {}
    if not caller.is_staff:
        query["$or"] = [
            {"state.trustee_uscc": caller.uscc},
            {"state.client_uscc": caller.uscc},
        ]
    if status is not None:
        query["state.status"] = status.value
    cursor = store.snapshots.find(query).limit(1000)
    records = [EntrustmentRecord.model_validate(doc["state"]) async for doc in cursor]
    return sorted(records, key=lambda record: record.submitted_at, reverse=True)


def view(record: EntrustmentRecord, today: date) -> dict[str, Any]:
    entrustment = record.entrustment
    agreement = entrustment.agreement
    return {
        "entrustment_id": record.entrustment_id,
        "trustee_uscc": agreement.trustee_uscc,
        "client_uscc": agreement.client_uscc,
        "client_name": agreement.client_name,
        "scope": [row.model_dump(mode="json") for row in agreement.scope],
        "valid_from": agreement.valid_from.isoformat(),
        "valid_until": agreement.valid_until.isoformat(),
        "status": record.state.value,
        "status_label": record.state.label,
        "usable_today": entrustment.is_usable_on(today),
        "reason": entrustment.review.reason,
        "submitted_on": entrustment.submitted_on.isoformat(),
        "submitted_by": record.submitted_by,
        "decided_by": record.decided_by,
        "decided_at": record.decided_at.isoformat() if record.decided_at else None,
        "agreement_file": record.file.model_dump(mode="json", exclude={"file_id"}),
    }
