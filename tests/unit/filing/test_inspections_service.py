"""The inspection service against the in-memory store: draw, record, publish."""

from __future__ import annotations

from datetime import date

import pytest

from skilleval_filing.actors import Caller
from skilleval_filing.filings.lifecycle import Actor
from skilleval_filing.filings.repository import FilingRepository
from skilleval_filing.inspections import service
from skilleval_filing.inspections.model import (
    DrawPools,
    InspectionOutcome,
    InspectionResult,
    InspectionStatus,
    Inspector,
)
from skilleval_shared.domain_errors import IllegalTransition, InvalidRequest, NotFound
from support.filing_samples import OTHER_USCC, USCC, put_on_file
from support.memory_store import MemoryStore

TODAY = date(2026, 11, 6)
STAFF = Caller(Actor.CITY_CENTER, "staff:wang")
INSPECTORS = [Inspector(inspector_id=f"I-{n}", name=f"检查员{n}") for n in range(1, 4)]


class MemoryPools:
    def __init__(self) -> None:
        self.kept: dict[str, DrawPools] = {}

    async def add(self, pools: DrawPools) -> None:
        self.kept[pools.inspection_id] = pools

    async def get(self, inspection_id: str) -> DrawPools | None:
        return self.kept.get(inspection_id)


class Setup:
    def __init__(self) -> None:
        self.store = MemoryStore("inspection")
        self.inspections = service.repository(self.store)
        self.pools = MemoryPools()
        self.filings = FilingRepository(MemoryStore("filing"))  # type: ignore[arg-type]


@pytest.fixture
async def setup() -> Setup:
    made = Setup()
    await put_on_file(made.filings, USCC, name="青岛甲公司")
    await put_on_file(made.filings, OTHER_USCC, name="青岛乙公司")
    return made


async def draw(setup: Setup, count: int = 2) -> service.InspectionRecord:
    return await service.draw(
        inspections=setup.inspections,
        pools=setup.pools,
        filings=setup.filings,
        caller=STAFF,
        title="2026年第四季度抽查",
        seed="2026-11-06 公开种子",
        enterprise_count=count,
        inspectors=INSPECTORS,
        inspectors_per_enterprise=2,
        on=TODAY,
    )


def result(uscc: str, on: date = TODAY) -> InspectionResult:
    return InspectionResult(
        enterprise=uscc, inspected_on=on, outcome=InspectionOutcome.COMPLIANT, findings="未发现问题"
    )


async def test_a_draw_keeps_its_pools_and_publishes_one_event(setup: Setup) -> None:
    record = await draw(setup)

    assert set(record.enterprise_names.values()) == {"青岛甲公司", "青岛乙公司"}
    pools = await service.pools_of(pools=setup.pools, record=record)
    assert pools.enterprises == tuple(sorted((USCC, OTHER_USCC)))
    assert setup.store.event_types() == ["cn.skilleval.filing.inspection.drawn.v1"]


async def test_results_then_publication_one_event_per_enterprise(setup: Setup) -> None:
    record = await draw(setup)
    for uscc in (USCC, OTHER_USCC):
        await service.record(
            inspections=setup.inspections,
            inspection_id=record.inspection_id,
            result=result(uscc),
            on=TODAY,
        )
    with pytest.raises(NotFound):
        await service.published(inspections=setup.inspections, inspection_id=record.inspection_id)

    done = await service.publish(
        inspections=setup.inspections, caller=STAFF, inspection_id=record.inspection_id, on=TODAY
    )

    assert done.status is InspectionStatus.PUBLISHED and done.published_by == "staff:wang"
    assert setup.store.event_types()[1:] == ["cn.skilleval.filing.inspection.published.v1"] * 2
    listed = await service.listed(inspections=setup.inspections, status=InspectionStatus.PUBLISHED)
    assert [item.inspection_id for item in listed] == [record.inspection_id]
    with pytest.raises(IllegalTransition, match="已经公开"):
        await service.record(
            inspections=setup.inspections,
            inspection_id=record.inspection_id,
            result=result(USCC),
            on=TODAY,
        )


async def test_publication_waits_for_every_result(setup: Setup) -> None:
    record = await draw(setup)
    await service.record(
        inspections=setup.inspections,
        inspection_id=record.inspection_id,
        result=result(USCC),
        on=TODAY,
    )

    with pytest.raises(IllegalTransition, match="尚有1家企业未录入"):
        await service.publish(
            inspections=setup.inspections,
            caller=STAFF,
            inspection_id=record.inspection_id,
            on=TODAY,
        )


async def test_a_result_dated_after_today_is_refused(setup: Setup) -> None:
    record = await draw(setup)

    with pytest.raises(InvalidRequest, match="检查日期"):
        await service.record(
            inspections=setup.inspections,
            inspection_id=record.inspection_id,
            result=result(USCC, date(2026, 11, 7)),
            on=TODAY,
        )
