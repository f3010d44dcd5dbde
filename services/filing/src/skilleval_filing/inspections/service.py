"""“双随机、一公开”: staff keep the pools, announce a draw (pools frozen, the seed a public value
of a later date), draw once from that value, record each result, then publish the results."""

from __future__ import annotations

from datetime import date
from typing import Protocol

import uuid_utils

from skilleval_filing.actors import Caller
from skilleval_filing.filings.filed import enterprise_name
from skilleval_filing.filings.lifecycle import FilingState
from skilleval_filing.filings.repository import FilingRepository
from skilleval_filing.inspections.model import (
    Announcement,
    DrawPools,
    InspectionRecord,
    InspectionResult,
    InspectionStatus,
    Inspector,
)
from skilleval_filing.inspections.model import announce as announce_draw
from skilleval_filing.inspections.pools import PoolKind, PoolMember, StandingPools
from skilleval_shared.domain_errors import AlreadyExists, Conflict, IllegalTransition, NotFound
from skilleval_shared.envelope import utc_now, wrap
from skilleval_shared.events import filing_parts
from skilleval_shared.events.filing import (
    InspectionAnnounced,
    InspectionDrawn,
    InspectionPublished,
)
from skilleval_shared.repository import Repository, Store
from skilleval_shared.storage.aggregates import ConcurrentUpdate

KIND = "inspection"
InspectionRepository = Repository[InspectionRecord]


class Pools(Protocol):
    async def add(self, pools: DrawPools) -> None: ...

    async def get(self, inspection_id: str) -> DrawPools | None: ...


def repository(store: Store) -> InspectionRepository:
    return Repository(
        store,
        InspectionRecord,
        missing="没有这次抽查",
        indexed=lambda record: {"status": record.status.value},
    )


async def get(*, inspections: InspectionRepository, inspection_id: str) -> InspectionRecord:
    return (await inspections.get(inspection_id)).state


async def published(*, inspections: InspectionRepository, inspection_id: str) -> InspectionRecord:
    """A published inspection; any other looks as if it did not exist."""
    found = await inspections.load(inspection_id)
    if found is None or found.state.status is not InspectionStatus.PUBLISHED:
        raise NotFound("没有这次已公开的抽查")
    return found.state


async def listed(
    *, inspections: InspectionRepository, status: InspectionStatus | None
) -> list[InspectionRecord]:
    found = await inspections.find({"status": status.value} if status else {})
    return sorted((item.state for item in found), key=lambda r: r.drawn_at, reverse=True)


async def pools_of(*, pools: Pools, record: InspectionRecord) -> DrawPools:
    found = await pools.get(record.inspection_id)
    if found is None:
        raise RuntimeError(f"the pools of inspection {record.inspection_id} are missing")
    return found


ANNOUNCEMENT_KIND = "inspection-announcement"
AnnouncementRepository = Repository[Announcement]


def announcement_repository(*, store: Store) -> AnnouncementRepository:
    return Repository(store, Announcement, missing="没有这次抽查公告")


async def pool_members(*, standing: StandingPools, kind: PoolKind) -> list[PoolMember]:
    return await standing.members(kind)


async def add_enterprise(
    *, standing: StandingPools, filings: FilingRepository, caller: Caller, uscc: str
) -> PoolMember:
    """Only an enterprise on file (已备案) can be inspected as a self-evaluating enterprise."""
    found = await filings.latest_for(uscc)
    if found is None or found.state.state is not FilingState.FILED:
        raise IllegalTransition("该企业不是已备案的自主评价企业，不能列入检查对象名录库")
    member = PoolMember(
        kind=PoolKind.ENTERPRISE,
        member_id=uscc,
        name=enterprise_name(found.state),
        added_by=caller.by,
        added_at=utc_now(),
    )
    if not await standing.add(member):
        raise AlreadyExists("该企业已在检查对象名录库中")
    return member


async def add_inspector(
    *, standing: StandingPools, caller: Caller, inspector: Inspector
) -> PoolMember:
    member = PoolMember(
        kind=PoolKind.INSPECTOR,
        member_id=inspector.inspector_id,
        name=inspector.name,
        added_by=caller.by,
        added_at=utc_now(),
    )
    if not await standing.add(member):
        raise AlreadyExists("该执法检查人员已在名录库中")
    return member


async def remove_member(*, standing: StandingPools, kind: PoolKind, member_id: str) -> None:
    if not await standing.remove(kind, member_id):
        raise NotFound("名录库中没有该成员")


async def announce(
    *,
    announcements: AnnouncementRepository,
    pools: Pools,
    standing: StandingPools,
    caller: Caller,
    title: str | None,
    seed_source: str,
    seed_date: date,
    enterprise_count: int,
    inspectors_per_enterprise: int,
    on: date,
) -> Announcement:
    """Freeze the standing pools and publish where the seed will come from, before the draw."""
    enterprises = await standing.members(PoolKind.ENTERPRISE)
    inspectors = await standing.members(PoolKind.INSPECTOR)
    announcement = announce_draw(
        inspection_id=str(uuid_utils.uuid7()),
        title=title,
        seed_source=seed_source,
        seed_date=seed_date,
        enterprise_count=enterprise_count,
        inspectors_per_enterprise=inspectors_per_enterprise,
        enterprise_names={member.member_id: member.name for member in enterprises},
        inspectors=[Inspector(inspector_id=m.member_id, name=m.name) for m in inspectors],
        on=on,
        by=caller.by,
        at=utc_now(),
    )
    await pools.add(
        DrawPools(
            inspection_id=announcement.inspection_id,
            enterprises=tuple(announcement.enterprise_names),
            inspectors=announcement.inspectors,
            sha256=announcement.pool_sha256,
        )
    )
    event = InspectionAnnounced(
        inspection_id=announcement.inspection_id,
        seed_source=seed_source,
        seed_date=seed_date,
        enterprise_count=enterprise_count,
        inspectors_per_enterprise=inspectors_per_enterprise,
        pool_size=len(announcement.enterprise_names),
        inspector_pool_size=len(announcement.inspectors),
        pool_sha256=announcement.pool_sha256,
    )
    await announcements.add(announcement.inspection_id, announcement, [wrap(event)])
    return announcement


async def announcements_listed(*, announcements: AnnouncementRepository) -> list[Announcement]:
    found = await announcements.find({})
    return sorted((item.state for item in found), key=lambda a: a.announced_at, reverse=True)


async def announcement(
    *, announcements: AnnouncementRepository, inspection_id: str
) -> Announcement:
    return (await announcements.get(inspection_id)).state


async def draw_of(
    *, inspections: InspectionRepository, inspection_id: str
) -> InspectionRecord | None:
    found = await inspections.load(inspection_id)
    return found.state if found else None


async def draw(
    *,
    announcements: AnnouncementRepository,
    inspections: InspectionRepository,
    caller: Caller,
    inspection_id: str,
    public_value: str,
    on: date,
) -> InspectionRecord:
    """The one draw of an announcement; a second attempt is refused, whatever its value."""
    announced = (await announcements.get(inspection_id)).state
    if await inspections.load(inspection_id) is not None:
        raise Conflict("本次公告的抽取已经完成，不能重新抽取")
    drawn = announced.drawn_with(public_value, on=on)
    record = InspectionRecord(
        inspection_id=inspection_id,
        title=announced.title,
        draw=drawn,
        enterprise_names={
            a.enterprise: announced.enterprise_names[a.enterprise] for a in drawn.assignments
        },
        inspectors=announced.inspectors,
        pool_sha256=announced.pool_sha256,
        drawn_on=on,
        drawn_by=caller.by,
        drawn_at=utc_now(),
    )
    try:
        await inspections.add(inspection_id, record, [wrap(_drawn_event(record))])
    except ConcurrentUpdate:  # another request drew it in the meantime
        raise Conflict("本次公告的抽取已经完成，不能重新抽取") from None
    return record


def _drawn_event(record: InspectionRecord) -> InspectionDrawn:
    names = {inspector.inspector_id: inspector.name for inspector in record.inspectors}
    drawn = tuple(
        filing_parts.DrawnEnterprise(
            uscc=assignment.enterprise,
            enterprise_name=record.enterprise_names[assignment.enterprise],
            inspectors=tuple(
                filing_parts.Inspector(inspector_id=i, name=names[i]) for i in assignment.inspectors
            ),
        )
        for assignment in record.draw.assignments
    )
    return InspectionDrawn(
        inspection_id=record.inspection_id,
        seed=record.draw.seed,
        pool_size=record.draw.enterprise_pool_size,
        inspector_pool_size=record.draw.inspector_pool_size,
        drawn=drawn,
    )


async def record(
    *, inspections: InspectionRepository, inspection_id: str, result: InspectionResult, on: date
) -> InspectionRecord:
    async def attempt() -> InspectionRecord:
        found = await inspections.get(inspection_id)
        updated = found.state.with_result(result, on=on)
        await inspections.save(inspection_id, found.version, updated)
        return updated

    return await inspections.retrying(attempt)


async def publish(
    *, inspections: InspectionRepository, caller: Caller, inspection_id: str, on: date
) -> InspectionRecord:
    """一公开: every drawn enterprise's result, each an event keyed by that enterprise."""

    async def attempt() -> InspectionRecord:
        found = await inspections.get(inspection_id)
        published = found.state.published(by=caller.by, on=on)
        events = [
            wrap(
                InspectionPublished(
                    uscc=a.enterprise,
                    inspection_id=inspection_id,
                    enterprise_name=published.enterprise_names[a.enterprise],
                    published_on=on,
                    outcome=published.result_of(a.enterprise).outcome,
                    findings=published.result_of(a.enterprise).findings,
                )
            )
            for a in published.draw.assignments
        ]
        await inspections.save(inspection_id, found.version, published, events)
        return published

    return await inspections.retrying(attempt)
