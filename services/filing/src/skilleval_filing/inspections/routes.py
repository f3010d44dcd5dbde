"""“双随机、一公开”: draws, results and publication by staff; published results for everyone."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, status
from pymongo.asynchronous.collection import AsyncCollection

from skilleval_filing.clock import today
from skilleval_filing.inspections import records as inspection_records
from skilleval_filing.inspections import schemas as inspection_forms
from skilleval_filing.inspections import service as inspections
from skilleval_filing.inspections.records import InspectionRecord, InspectionStatus
from skilleval_filing.web import Container, Reviewer, StaffPrincipal, caller_of
from skilleval_shared.problems import not_found
from skilleval_shared.storage.aggregates import AggregateStore
from skilleval_shared.storage.mongo import Document
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(tags=["supervision"], route_class=DomainErrorRoute)
BASE = "/api/v1/inspections"
PUBLIC = "/api/v1/public/inspections"
InspectionId = Annotated[str, Path(title="抽查编号", max_length=64)]


def inspection_store(parts: Container) -> AggregateStore:
    return parts.runtime.store(inspection_records.KIND)


def pool_collection(parts: Container) -> AsyncCollection[Document]:
    return parts.runtime.db[inspection_records.POOLS]


Store = Annotated[AggregateStore, Depends(inspection_store)]
Pools = Annotated[AsyncCollection[Document], Depends(pool_collection)]


@router.post(
    BASE, status_code=status.HTTP_201_CREATED, summary="以公开的随机种子抽取检查对象和检查人员"
)
async def draw_inspection(
    form: inspection_forms.DrawForm,
    principal: Reviewer,
    store: Store,
    pools: Pools,
    parts: Container,
) -> dict[str, Any]:
    record = await inspections.draw(
        store=store,
        pools=pools,
        filings=parts.filings,
        caller=caller_of(principal),
        form=form,
        on=today(parts.settings),
    )
    return inspection_records.view(record)


@router.get(BASE, summary="抽查任务列表（工作人员）")
async def list_inspections(
    principal: StaffPrincipal,
    store: Store,
    status: Annotated[InspectionStatus | None, Query(title="状态")] = None,
) -> dict[str, Any]:
    records = await inspection_records.listed(store, status)
    return {"items": [inspection_records.view(record) for record in records]}


@router.get(f"{BASE}/{{inspection_id}}", summary="查看抽查任务及检查结果（工作人员）")
async def get_inspection(
    inspection_id: InspectionId, principal: StaffPrincipal, store: Store
) -> dict[str, Any]:
    record, _ = await inspection_records.load(store, inspection_id)
    return inspection_records.view(record)


@router.get(f"{BASE}/{{inspection_id}}/pools", summary="查看抽取所用的名录库（工作人员）")
async def get_pools(
    inspection_id: InspectionId, principal: StaffPrincipal, store: Store, pools: Pools
) -> dict[str, Any]:
    record, _ = await inspection_records.load(store, inspection_id)
    return await inspection_records.pools_of(pools, record)


@router.post(f"{BASE}/{{inspection_id}}/results", summary="录入一家被抽查企业的检查结果")
async def record_result(
    inspection_id: InspectionId,
    form: inspection_forms.ResultForm,
    principal: Reviewer,
    store: Store,
    parts: Container,
) -> dict[str, Any]:
    record = await inspections.record(
        store=store, inspection_id=inspection_id, form=form, on=today(parts.settings)
    )
    return inspection_records.view(record)


@router.post(f"{BASE}/{{inspection_id}}/publish", summary="公开本次抽查的检查结果")
async def publish_inspection(
    inspection_id: InspectionId, principal: Reviewer, store: Store, parts: Container
) -> dict[str, Any]:
    record = await inspections.publish(
        store=store,
        caller=caller_of(principal),
        inspection_id=inspection_id,
        on=today(parts.settings),
    )
    return inspection_records.view(record)


async def _published(store: AggregateStore, inspection_id: str) -> InspectionRecord:
    record, _ = await inspection_records.load(store, inspection_id)
    if record.status is not InspectionStatus.PUBLISHED:
        raise not_found("没有这次已公开的抽查")
    return record


@router.get(PUBLIC, summary="已公开的双随机抽查结果（无需登录）")
async def public_inspections(store: Store) -> dict[str, Any]:
    records = await inspection_records.listed(store, InspectionStatus.PUBLISHED)
    return {"items": [inspection_records.view(record) for record in records]}


@router.get(f"{PUBLIC}/{{inspection_id}}", summary="查看一次已公开的抽查结果（无需登录）")
async def public_inspection(inspection_id: InspectionId, store: Store) -> dict[str, Any]:
    return inspection_records.view(await _published(store, inspection_id))


@router.get(
    f"{PUBLIC}/{{inspection_id}}/pools",
    summary="已公开抽查的随机种子与名录库，供任何人复核抽取结果（无需登录）",
)
async def public_pools(inspection_id: InspectionId, store: Store, pools: Pools) -> dict[str, Any]:
    return await inspection_records.pools_of(pools, await _published(store, inspection_id))
