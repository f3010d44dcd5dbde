"""The complaint service against the in-memory store: received, handled, resolved."""

from __future__ import annotations

from datetime import date

import pytest

from skilleval_filing.actors import Caller
from skilleval_filing.complaints import service
from skilleval_filing.complaints.model import (
    ComplaintForm,
    ComplaintOutcome,
    ComplaintState,
)
from skilleval_filing.filings.lifecycle import Actor
from skilleval_shared.domain_errors import IllegalTransition, NotFound
from skilleval_shared.events.filing import ComplaintResolved, ComplaintSubmitted
from support.filing_samples import USCC
from support.memory_store import MemoryStore

TODAY = date(2026, 11, 6)
STAFF = Caller(Actor.CITY_CENTER, "staff:wang")
FORM = ComplaintForm(target_uscc=USCC, text="收费后未组织考核", contact_phone="13800138000")


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore("complaint")


async def test_a_complaint_is_handled_then_resolved_with_its_events(store: MemoryStore) -> None:
    complaints = service.repository(store)
    received = await service.submit(complaints=complaints, form=FORM, on=TODAY)
    complaint_id = received.complaint.complaint_id

    await service.handle(complaints=complaints, caller=STAFF, complaint_id=complaint_id)
    resolved = await service.resolve(
        complaints=complaints,
        caller=STAFF,
        complaint_id=complaint_id,
        outcome=ComplaintOutcome.SUBSTANTIATED,
        resolution="已责令整改",
        on=TODAY,
    )

    assert resolved.complaint.state is ComplaintState.RESOLVED
    assert (resolved.handled_by, resolved.resolved_by) == ("staff:wang", "staff:wang")
    assert [type(event.data) for event in store.published] == [
        ComplaintSubmitted,
        ComplaintResolved,
    ]
    listed = await service.listed(complaints=complaints, status=ComplaintState.RESOLVED)
    assert [r.complaint.complaint_id for r in listed] == [complaint_id]
    assert await service.listed(complaints=complaints, status=ComplaintState.RECEIVED) == []


async def test_a_complaint_is_resolved_only_while_handled(store: MemoryStore) -> None:
    complaints = service.repository(store)
    received = await service.submit(complaints=complaints, form=FORM, on=TODAY)

    with pytest.raises(IllegalTransition):
        await service.resolve(
            complaints=complaints,
            caller=STAFF,
            complaint_id=received.complaint.complaint_id,
            outcome=ComplaintOutcome.SUBSTANTIATED,
            resolution="已责令整改",
            on=TODAY,
        )
    with pytest.raises(NotFound, match="没有这件投诉举报"):
        await service.get(complaints=complaints, complaint_id="no-such")
