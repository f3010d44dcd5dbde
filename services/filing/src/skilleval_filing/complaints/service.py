"""投诉举报: received from the public (kind ``complaint``, one aggregate each), handled by staff."""

from __future__ import annotations

from datetime import date

import uuid_utils

from skilleval_filing.actors import Caller
from skilleval_filing.complaints.model import (
    ComplaintForm,
    ComplaintOutcome,
    ComplaintRecord,
    ComplaintState,
    receive_complaint,
    resolve_complaint,
    start_handling,
)
from skilleval_shared.envelope import utc_now, wrap
from skilleval_shared.events.filing import ComplaintResolved, ComplaintSubmitted
from skilleval_shared.repository import Loaded, Repository, Store

KIND = "complaint"
ComplaintRepository = Repository[ComplaintRecord]


def repository(store: Store) -> ComplaintRepository:
    return Repository(
        store,
        ComplaintRecord,
        missing="没有这件投诉举报",
        indexed=lambda record: {"status": record.complaint.state.value},
    )


async def get(*, complaints: ComplaintRepository, complaint_id: str) -> ComplaintRecord:
    return (await complaints.get(complaint_id)).state


async def submit(
    *, complaints: ComplaintRepository, form: ComplaintForm, on: date
) -> ComplaintRecord:
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
    await complaints.add(complaint.complaint_id, record, [wrap(event)])
    return record


async def handle(
    *, complaints: ComplaintRepository, caller: Caller, complaint_id: str
) -> ComplaintRecord:
    async def attempt() -> ComplaintRecord:
        found = await complaints.get(complaint_id)
        started = start_handling(found.state.complaint, actor=caller.actor)
        updated = found.state.model_copy(update={"complaint": started, "handled_by": caller.by})
        await complaints.save(complaint_id, found.version, updated)
        return updated

    return await complaints.retrying(attempt)


async def resolve(
    *,
    complaints: ComplaintRepository,
    caller: Caller,
    complaint_id: str,
    outcome: ComplaintOutcome,
    resolution: str,
    on: date,
) -> ComplaintRecord:
    async def attempt() -> ComplaintRecord:
        found: Loaded[ComplaintRecord] = await complaints.get(complaint_id)
        resolved = resolve_complaint(
            found.state.complaint,
            actor=caller.actor,
            outcome=outcome,
            resolution=resolution,
            on=on,
        )
        updated = found.state.model_copy(update={"complaint": resolved, "resolved_by": caller.by})
        event = ComplaintResolved(
            uscc=resolved.form.target_uscc,
            complaint_id=complaint_id,
            outcome=outcome,
            resolution=resolved.resolution or resolution,
            resolved_by=caller.by,
        )
        await complaints.save(complaint_id, found.version, updated, [wrap(event)])
        return updated

    return await complaints.retrying(attempt)


async def listed(
    *, complaints: ComplaintRepository, status: ComplaintState | None
) -> list[ComplaintRecord]:
    found = await complaints.find({"status": status.value} if status else {})
    return sorted(
        (item.state for item in found), key=lambda record: record.received_at, reverse=True
    )
