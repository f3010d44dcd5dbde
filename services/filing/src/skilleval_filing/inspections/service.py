"""“双随机、一公开”: staff draw enterprises and inspectors from a published seed, record each
result, then publish the results."""

from __future__ import annotations

from datetime import date

import uuid_utils
from pymongo.asynchronous.collection import AsyncCollection

from skilleval_filing.actors import Caller
from skilleval_filing.filings.filed import enterprise_name
from skilleval_filing.filings.lifecycle import FilingState
from skilleval_filing.filings.repository import FilingRepository
from skilleval_filing.inspections.model import InspectionResult, record_result
from skilleval_filing.inspections.model import draw as draw_from_seed
from skilleval_filing.inspections.records import (
    InspectionRecord,
    InspectionStatus,
    Inspector,
    load,
    pool_digest,
)
from skilleval_filing.inspections.schemas import DrawForm, ResultForm
from skilleval_shared.domain_errors import IllegalTransition, InvalidRequest
from skilleval_shared.envelope import utc_now, wrap
from skilleval_shared.events import filing_parts
from skilleval_shared.events.filing import InspectionDrawn, InspectionPublished
from skilleval_shared.repository import retry_on_conflict
from skilleval_shared.storage.aggregates import AggregateStore
from skilleval_shared.storage.mongo import Document

MAX_ENTERPRISE_POOL = 100_000


async def draw(
    *,
    store: AggregateStore,
    pools: AsyncCollection[Document],
    filings: FilingRepository,
    caller: Caller,
    form: DrawForm,
    on: date,
) -> InspectionRecord:
    """The enterprise pool is every enterprise on file now; it is stored with the draw."""
    filed = await filings.all_in_status(FilingState.FILED.value, limit=MAX_ENTERPRISE_POOL)
    names = {stored.filing.uscc: enterprise_name(stored) for stored in filed}
    inspector_ids = [inspector.inspector_id for inspector in form.inspectors]
    drawn = draw_from_seed(
        form.seed, list(names), inspector_ids, form.enterprise_count, form.inspectors_per_enterprise
    )
    inspectors = tuple(Inspector(**inspector.model_dump()) for inspector in form.inspectors)
    record = InspectionRecord(
        inspection_id=str(uuid_utils.uuid7()),
        title=form.title,
        draw=drawn,
        enterprise_names={a.enterprise: names[a.enterprise] for a in drawn.assignments},
        inspectors=tuple(sorted(inspectors, key=lambda inspector: inspector.inspector_id)),
        pool_sha256=pool_digest(list(names), inspector_ids),
        drawn_on=on,
        drawn_by=caller.by,
        drawn_at=utc_now(),
    )
    await pools.insert_one(
        {
            "_id": record.inspection_id,
            "enterprises": sorted(names),
            "inspectors": [inspector.model_dump() for inspector in record.inspectors],
            "sha256": record.pool_sha256,
        }
    )
    await store.commit(record.inspection_id, 0, record.to_state(), [wrap(_drawn_event(record))])
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


def _still_open(record: InspectionRecord) -> None:
    if record.status is InspectionStatus.PUBLISHED:
        raise IllegalTransition("本次抽查结果已经公开，不能再修改")


async def record(
    *, store: AggregateStore, inspection_id: str, form: ResultForm, on: date
) -> InspectionRecord:
    async def attempt() -> InspectionRecord:
        found, version = await load(store, inspection_id)
        _still_open(found)
        if not found.drawn_on <= form.inspected_on <= on:
            raise InvalidRequest("检查日期应在抽取日期与今天之间")
        result = InspectionResult(
            enterprise=form.uscc,
            inspected_on=form.inspected_on,
            outcome=form.outcome,
            findings=form.findings,
        )
        updated = found.model_copy(
            update={"results": record_result(found.draw, found.results, result)}
        )
        await store.commit(inspection_id, version, updated.to_state())
        return updated

    return await retry_on_conflict(attempt)


async def publish(
    *, store: AggregateStore, caller: Caller, inspection_id: str, on: date
) -> InspectionRecord:
    """一公开: every drawn enterprise's result, each an event keyed by that enterprise."""

    async def attempt() -> InspectionRecord:
        found, version = await load(store, inspection_id)
        _still_open(found)
        results = {result.enterprise: result for result in found.results}
        missing = [a.enterprise for a in found.draw.assignments if a.enterprise not in results]
        if missing:
            raise IllegalTransition(f"尚有{len(missing)}家企业未录入检查结果，不能公开")
        published = found.model_copy(
            update={
                "status": InspectionStatus.PUBLISHED,
                "published_on": on,
                "published_by": caller.by,
            }
        )
        events = [
            wrap(
                InspectionPublished(
                    uscc=a.enterprise,
                    inspection_id=inspection_id,
                    enterprise_name=found.enterprise_names[a.enterprise],
                    published_on=on,
                    outcome=results[a.enterprise].outcome,
                    findings=results[a.enterprise].findings,
                )
            )
            for a in found.draw.assignments
        ]
        await store.commit(inspection_id, version, published.to_state(), events)
        return published

    return await retry_on_conflict(attempt)
