"""The inspection service against the in-memory store: draw, record, publish."""

from __future__ import annotations

from datetime import date
from typing import Any

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
from skilleval_filing.inspections.pools import PoolKind, PoolMember
from skilleval_shared.domain_errors import (
    AlreadyExists,
    Conflict,
    IllegalTransition,
    InvalidRequest,
    NotFound,
)
from support.filing_samples import OTHER_USCC, THIRD_USCC, USCC, put_on_file
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


class MemoryStanding:
    def __init__(self) -> None:
        self.kept: dict[tuple[PoolKind, str], PoolMember] = {}

    async def add(self, member: PoolMember) -> bool:
        return self.kept.setdefault((member.kind, member.member_id), member) is member

    async def remove(self, kind: PoolKind, member_id: str) -> bool:
        return self.kept.pop((kind, member_id), None) is not None

    async def members(self, kind: PoolKind) -> list[PoolMember]:
        return sorted(
            (m for (k, _), m in self.kept.items() if k is kind), key=lambda m: m.member_id
        )


class Setup:
    def __init__(self) -> None:
        self.store = MemoryStore("inspection")
        self.inspections = service.repository(self.store)
        self.announcement_store = MemoryStore("inspection-announcement")
        self.announcements = service.announcement_repository(store=self.announcement_store)
        self.pools = MemoryPools()
        self.standing = MemoryStanding()
        self.filings = FilingRepository(MemoryStore("filing"))  # type: ignore[arg-type]


@pytest.fixture
async def setup() -> Setup:
    made = Setup()
    await put_on_file(made.filings, USCC, name="青岛甲公司")
    await put_on_file(made.filings, OTHER_USCC, name="青岛乙公司")
    return made


async def draw(setup: Setup, count: int = 2) -> service.InspectionRecord:
    standing: Any = setup.standing
    for uscc in (USCC, OTHER_USCC):
        await service.add_enterprise(
            standing=standing, filings=setup.filings, caller=STAFF, uscc=uscc
        )
    for inspector in INSPECTORS:
        await service.add_inspector(standing=standing, caller=STAFF, inspector=inspector)
    announced = await service.announce(
        announcements=setup.announcements,
        pools=setup.pools,
        standing=standing,
        caller=STAFF,
        title="2026年第四季度抽查",
        seed_source="2026年11月10日福利彩票3D开奖号码",
        seed_date=date(2026, 11, 5),
        enterprise_count=count,
        inspectors_per_enterprise=2,
        on=date(2026, 11, 1),
    )
    return await service.draw(
        announcements=setup.announcements,
        inspections=setup.inspections,
        caller=STAFF,
        inspection_id=announced.inspection_id,
        public_value="4 1 7",
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


async def test_one_announcement_is_drawn_once(setup: Setup) -> None:
    record = await draw(setup)
    with pytest.raises(Conflict, match="不能重新抽取"):
        await service.draw(
            announcements=setup.announcements,
            inspections=setup.inspections,
            caller=STAFF,
            inspection_id=record.inspection_id,
            public_value="9 9 9",
            on=TODAY,
        )
    kinds = [type(e.data).__name__ for e in setup.announcement_store.published]
    assert kinds == ["InspectionAnnounced"]


async def test_only_filed_enterprises_enter_the_pool_and_each_once(setup: Setup) -> None:
    standing: Any = setup.standing
    await service.add_enterprise(standing=standing, filings=setup.filings, caller=STAFF, uscc=USCC)
    with pytest.raises(AlreadyExists):
        await service.add_enterprise(
            standing=standing, filings=setup.filings, caller=STAFF, uscc=USCC
        )
    with pytest.raises(IllegalTransition, match="不是已备案的自主评价企业"):
        await service.add_enterprise(
            standing=standing, filings=setup.filings, caller=STAFF, uscc=THIRD_USCC
        )
    await service.remove_member(standing=standing, kind=PoolKind.ENTERPRISE, member_id=USCC)
    with pytest.raises(NotFound):
        await service.remove_member(standing=standing, kind=PoolKind.ENTERPRISE, member_id=USCC)
