"""投诉举报: received from the public (kind ``complaint``, one aggregate each), handled by staff.

The complainant's name and contact details are for staff only: ``public_view`` leaves them out.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import uuid_utils
from pydantic import BaseModel, ConfigDict, Field

from skilleval_filing.actors import Caller
from skilleval_filing.complaints.model import (
    Complaint,
    ComplaintForm,
    ComplaintOutcome,
    ComplaintState,
    receive_complaint,
    resolve_complaint,
    start_handling,
)
from skilleval_shared.domain_errors import NotFound
from skilleval_shared.envelope import utc_now, wrap
from skilleval_shared.events.filing import ComplaintResolved, ComplaintSubmitted
from skilleval_shared.repository import retry_on_conflict
from skilleval_shared.storage.aggregates import AggregateStore
from skilleval_shared.storage.mongo import Document

KIND = "complaint"


class ComplaintSubmission(ComplaintForm):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ResolveForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: ComplaintOutcome = Field(title="核实结论")
    resolution: str = Field(min_length=1, max_length=2000, title="处理结果")


class ComplaintRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    complaint: Complaint
    received_at: datetime
    handled_by: str | None = None
    resolved_by: str | None = None

    def to_state(self) -> Document:
        state = self.complaint.state.value
        return {**self.model_dump(mode="json"), "status": state}


async def load(store: AggregateStore, complaint_id: str) -> tuple[ComplaintRecord, int]:
    found = await store.load(complaint_id)
    if found is None:
        raise NotFound("没有这件投诉举报")
    return ComplaintRecord.model_validate(found.state), found.version


async def submit(*, store: AggregateStore, form: ComplaintSubmission, on: date) -> ComplaintRecord:
    complaint = receive_complaint(str(uuid_utils.uuid7()), form, on)
    record = ComplaintRecord(complaint=complaint, received_at=utc_now())
    event = ComplaintSubmitted(
        uscc=form.target_uscc,
        complaint_id=complaint.complaint_id,
        kind=form.kind,
        text=form.text,
        certificate_number=form.certificate_number,
        contact_email=form.contact_email,
    )
    await store.commit(complaint.complaint_id, 0, record.to_state(), [wrap(event)])
    return record


async def handle(*, store: AggregateStore, caller: Caller, complaint_id: str) -> ComplaintRecord:
    async def attempt() -> ComplaintRecord:
        found, version = await load(store, complaint_id)
        started = start_handling(found.complaint, actor=caller.actor)
        updated = found.model_copy(update={"complaint": started, "handled_by": caller.by})
        await store.commit(complaint_id, version, updated.to_state())
        return updated

    return await retry_on_conflict(attempt)


async def resolve(
    *, store: AggregateStore, caller: Caller, complaint_id: str, form: ResolveForm, on: date
) -> ComplaintRecord:
    async def attempt() -> ComplaintRecord:
        found, version = await load(store, complaint_id)
        resolved = resolve_complaint(
            found.complaint,
            actor=caller.actor,
            outcome=form.outcome,
            resolution=form.resolution,
            on=on,
        )
        updated = found.model_copy(update={"complaint": resolved, "resolved_by": caller.by})
        event = ComplaintResolved(
            uscc=resolved.form.target_uscc,
            complaint_id=complaint_id,
            outcome=form.outcome,
            resolution=resolved.resolution or form.resolution,
            resolved_by=caller.by,
        )
        await store.commit(complaint_id, version, updated.to_state(), [wrap(event)])
        return updated

    return await retry_on_conflict(attempt)


async def listed(store: AggregateStore, status: ComplaintState | None) -> list[ComplaintRecord]:
    query = {"state.status": status.value} if status else {}
    cursor = store.snapshots.find(query).limit(1000)
    records = [ComplaintRecord.model_validate(doc["state"]) async for doc in cursor]
    return sorted(records, key=lambda record: record.received_at, reverse=True)


def public_view(record: ComplaintRecord) -> dict[str, Any]:
    """What the complainant can follow without logging in: progress, never personal details."""
    complaint = record.complaint
    return {
        "complaint_id": complaint.complaint_id,
        "kind": complaint.form.kind.value,
        "status": complaint.state.value,
        "status_label": complaint.state.label,
        "received_on": complaint.received_on.isoformat(),
        "resolved_on": complaint.resolved_on.isoformat() if complaint.resolved_on else None,
        "outcome": complaint.outcome.value if complaint.outcome else None,
    }


def staff_view(record: ComplaintRecord) -> dict[str, Any]:
    complaint = record.complaint
    return public_view(record) | {
        "target_uscc": complaint.form.target_uscc,
        "text": complaint.form.text,
        "certificate_number": complaint.form.certificate_number,
        "submitter_name": complaint.form.submitter_name,
        "contact_phone": complaint.form.contact_phone,
        "contact_email": complaint.form.contact_email,
        "resolution": complaint.resolution,
        "handled_by": record.handled_by,
        "resolved_by": record.resolved_by,
        "received_at": record.received_at.isoformat(),
    }
