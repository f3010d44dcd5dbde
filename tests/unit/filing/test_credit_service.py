"""The credit service against the in-memory store."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from skilleval_filing.actors import Caller
from skilleval_filing.credit import service
from skilleval_filing.credit.model import CreditEntry, CreditKind
from skilleval_filing.filings.lifecycle import Actor
from skilleval_filing.filings.repository import FilingRepository
from skilleval_shared.domain_errors import NotFound, NotPermitted
from skilleval_shared.events.filing import CreditRecorded
from support.filing_samples import OTHER_USCC, USCC, put_on_file
from support.memory_store import MemoryStore

TODAY = date(2026, 11, 6)
Repositories = tuple[service.CreditRepository, FilingRepository, MemoryStore]
STAFF = Caller(Actor.CITY_CENTER, "staff:wang")


async def record(
    credit: service.CreditRepository, filings: FilingRepository, **overrides: Any
) -> CreditEntry:
    fields: dict[str, Any] = {
        "caller": STAFF,
        "uscc": USCC,
        "kind": CreditKind.WARNING,
        "description": "考评人员未持证上岗",
        "reference_id": "inspection-1",
        "on": TODAY,
    }
    return await service.record(credit=credit, filings=filings, **(fields | overrides))


@pytest.fixture
async def repositories() -> Repositories:
    store = MemoryStore("credit")
    filings = FilingRepository(MemoryStore("filing"))
    await put_on_file(filings)
    return service.repository(store), filings, store


async def test_entries_are_appended_with_one_event_each(repositories: Repositories) -> None:
    credit, filings, store = repositories
    first = await record(credit, filings)
    second = await record(credit, filings, kind=CreditKind.COMMENDATION, reference_id=None)

    assert await service.entries(credit=credit, uscc=USCC) == (first, second)
    assert [type(event.data) for event in store.published] == [CreditRecorded, CreditRecorded]
    assert store.published[0].data.recorded_by == "staff:wang"


async def test_no_credit_file_without_a_filing(
    repositories: Repositories,
) -> None:
    credit, filings, store = repositories
    with pytest.raises(NotFound, match="没有备案记录"):
        await record(credit, filings, uscc=OTHER_USCC)

    assert await service.entries(credit=credit, uscc=OTHER_USCC) == ()
    assert store.published == []


async def test_only_staff_record_credit(repositories: Repositories) -> None:
    credit, filings, store = repositories
    with pytest.raises(NotPermitted):
        await record(credit, filings, caller=Caller(Actor.ENTERPRISE, USCC, USCC))
    assert store.published == []
