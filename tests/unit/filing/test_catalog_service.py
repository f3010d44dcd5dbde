"""The catalog-change service against the in-memory store: one book per enterprise."""

from __future__ import annotations

from datetime import date

import pytest

from skilleval_filing.actors import Caller
from skilleval_filing.catalog import service
from skilleval_filing.catalog.changes import AddRow, RemoveRow
from skilleval_filing.filings.lifecycle import Actor, FilingState
from skilleval_filing.filings.remarks import Remark
from skilleval_filing.filings.repository import FilingRepository
from skilleval_filing.review import ReviewState
from skilleval_shared.domain_errors import IllegalTransition, NotFound
from skilleval_shared.events.filing import CatalogChanged, CatalogChangeSubmitted
from support.filing_samples import OTHER_USCC, USCC, put_on_file, row
from support.memory_store import MemoryStore

TODAY = date(2026, 11, 6)
ENTERPRISE = Caller(Actor.ENTERPRISE, USCC, USCC)
STAFF = Caller(Actor.CITY_CENTER, "staff:wang")
MILLER = row(occupation_name="铣工", occupation_code="6-18-01-02", work_type="数控铣工")


class Setup:
    def __init__(self) -> None:
        self.store = MemoryStore("catalog")
        self.catalogs = service.repository(self.store)
        self.filings = FilingRepository(MemoryStore("filing"))  # type: ignore[arg-type]


@pytest.fixture
async def setup() -> Setup:
    made = Setup()
    await put_on_file(made.filings)
    return made


async def submit(setup: Setup) -> str:
    record, proposed = await service.submit(
        catalogs=setup.catalogs,
        filings=setup.filings,
        caller=ENTERPRISE,
        uscc=USCC,
        operations=[AddRow(row=MILLER)],
        explanation=None,
        on=TODAY,
    )
    assert proposed.number == 2 and len(proposed.catalog.rows) == 3
    return record.change_id


async def test_an_accepted_change_is_the_next_version_and_the_first_stays_readable(
    setup: Setup,
) -> None:
    change_id = await submit(setup)
    assert [c.change_id for _, c in await service.pending(catalogs=setup.catalogs)] == [change_id]

    decided = await service.accept(
        catalogs=setup.catalogs,
        filings=setup.filings,
        caller=STAFF,
        uscc=USCC,
        change_id=change_id,
        on=TODAY,
    )

    assert decided.state is ReviewState.ACCEPTED and decided.made_version == 2
    book = await service.readable(catalogs=setup.catalogs, filings=setup.filings, uscc=USCC)
    assert book.book.current.number == 2
    _, first = await service.version(catalogs=setup.catalogs, book=book, number=1)
    _, second = await service.version(catalogs=setup.catalogs, book=book, number=2)
    assert (len(first.rows), len(second.rows)) == (2, 3)
    assert await service.pending(catalogs=setup.catalogs) == []
    assert [type(event.data) for event in setup.store.published] == [
        CatalogChangeSubmitted,
        CatalogChanged,
    ]


async def test_a_rejected_change_keeps_its_reason(setup: Setup) -> None:
    change_id = await submit(setup)
    await service.reject(
        catalogs=setup.catalogs,
        filings=setup.filings,
        caller=STAFF,
        uscc=USCC,
        change_id=change_id,
        reason="铣工不在评价范围",
        remarks=[Remark(item="row:3", text="请删除")],
        on=TODAY,
    )

    found = await service.change(
        catalogs=setup.catalogs, filings=setup.filings, uscc=USCC, change_id=change_id
    )
    assert (found.state, found.request.review.reason) == (ReviewState.REJECTED, "铣工不在评价范围")
    book = await service.readable(catalogs=setup.catalogs, filings=setup.filings, uscc=USCC)
    assert book.book.current.number == 1


async def test_an_enterprise_never_filed_has_no_catalog(setup: Setup) -> None:
    with pytest.raises(NotFound):
        await service.readable(catalogs=setup.catalogs, filings=setup.filings, uscc=OTHER_USCC)
    with pytest.raises(IllegalTransition, match="尚未备案"):
        await service.submit(
            catalogs=setup.catalogs,
            filings=setup.filings,
            caller=Caller(Actor.ENTERPRISE, OTHER_USCC, OTHER_USCC),
            uscc=OTHER_USCC,
            operations=[RemoveRow(occupation_code="6-18-01-01", work_type="数控车工")],
            explanation=None,
            on=TODAY,
        )


async def test_a_suspended_enterprise_may_not_submit(setup: Setup) -> None:
    await put_on_file(setup.filings, OTHER_USCC, state=FilingState.SUSPENDED)
    with pytest.raises(IllegalTransition, match="暂停评价"):
        await service.submit(
            catalogs=setup.catalogs,
            filings=setup.filings,
            caller=Caller(Actor.ENTERPRISE, OTHER_USCC, OTHER_USCC),
            uscc=OTHER_USCC,
            operations=[AddRow(row=MILLER)],
            explanation=None,
            on=TODAY,
        )
