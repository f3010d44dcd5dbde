"""“双随机、一公开”: staff draw enterprises and inspectors from a published seed, record each
result, then publish the results."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

import uuid_utils

from skilleval_filing.actors import Caller
from skilleval_filing.filings.filed import enterprise_name
from skilleval_filing.filings.lifecycle import FilingState
from skilleval_filing.filings.repository import FilingRepository
from skilleval_filing.inspections.model import (
    DrawPools,
    InspectionRecord,
    InspectionResult,
    InspectionStatus,
    Inspector,
    pool_digest,
)
from skilleval_filing.inspections.model import draw as draw_from_seed
from skilleval_shared.domain_errors import NotFound
from skilleval_shared.envelope import utc_now, wrap
from skilleval_shared.events import filing_parts
from skilleval_shared.events.filing import InspectionDrawn, InspectionPublished
from skilleval_shared.repository import Repository, Store

KIND = "inspection"
MAX_ENTERPRISE_POOL = 100_000
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


async def draw(
    *,
    inspections: InspectionRepository,
    pools: Pools,
    filings: FilingRepository,
    caller: Caller,
    title: str | None,
    seed: str,
    enterprise_count: int,
    inspectors: Sequence[Inspector],
    inspectors_per_enterprise: int,
    on: date,
) -> InspectionRecord:
    """The enterprise pool is every enterprise on file now; it is stored with the draw."""
    filed = await filings.in_status(FilingState.FILED, limit=MAX_ENTERPRISE_POOL)
    names = {item.state.uscc: enterprise_name(item.state) for item in filed}
    inspector_ids = [inspector.inspector_id for inspector in inspectors]
    drawn = draw_from_seed(
        seed, list(names), inspector_ids, enterprise_count, inspectors_per_enterprise
    )
    record = InspectionRecord(
        inspection_id=str(uuid_utils.uuid7()),
        title=title,
        draw=drawn,
        enterprise_names={a.enterprise: names[a.enterprise] for a in drawn.assignments},
        inspectors=tuple(sorted(inspectors, key=lambda inspector: inspector.inspector_id)),
        pool_sha256=pool_digest(list(names), inspector_ids),
        drawn_on=on,
        drawn_by=caller.by,
        drawn_at=utc_now(),
    )
    await pools.add(
        DrawPools(
            inspection_id=record.inspection_id,
            enterprises=tuple(sorted(names)),
            inspectors=record.inspectors,
            sha256=record.pool_sha256,
        )
    )
    await inspections.add(record.inspection_id, record, [wrap(_drawn_event(record))])
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
