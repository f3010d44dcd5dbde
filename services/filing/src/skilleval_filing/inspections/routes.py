"""“双随机、一公开”: draws, results and publication by staff; published results for everyone."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, status

from skilleval_filing.clock import today
from skilleval_filing.inspections import service
from skilleval_filing.inspections.model import InspectionResult, InspectionStatus, Inspector
from skilleval_filing.inspections.schemas import (
    DrawForm,
    InspectionList,
    InspectionView,
    PoolsView,
    ResultForm,
    inspection_view,
    pools_view,
)
from skilleval_filing.web import Container, Reviewer, StaffPrincipal, caller_of
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(tags=["supervision"], route_class=DomainErrorRoute)
BASE = "/api/v1/inspections"
PUBLIC = "/api/v1/public/inspections"
InspectionId = Annotated[str, Path(title="抽查编号", max_length=64)]


@router.post(
    BASE,
    status_code=status.HTTP_201_CREATED,
    summary="以公开的随机种子抽取检查对象和检查人员",
    response_model=InspectionView,
)
async def draw_inspection(
    form: DrawForm, principal: Reviewer, container: Container
) -> dict[str, Any]:
    record = await service.draw(
        inspections=container.inspections,
        pools=container.inspection_pools,
        filings=container.filings,
        caller=caller_of(principal),
        title=form.title,
        seed=form.seed,
        enterprise_count=form.enterprise_count,
        inspectors=[Inspector(**inspector.model_dump()) for inspector in form.inspectors],
        inspectors_per_enterprise=form.inspectors_per_enterprise,
        on=today(container.settings),
    )
    return inspection_view(record)


@router.get(BASE, summary="抽查任务列表（工作人员）", response_model=InspectionList)
async def list_inspections(
    principal: StaffPrincipal,
    container: Container,
    status: Annotated[InspectionStatus | None, Query(title="状态")] = None,
) -> dict[str, Any]:
    records = await service.listed(inspections=container.inspections, status=status)
    return {"items": [inspection_view(record) for record in records]}


@router.get(
    f"{BASE}/{{inspection_id}}",
    summary="查看抽查任务及检查结果（工作人员）",
    response_model=InspectionView,
)
async def get_inspection(
    inspection_id: InspectionId, principal: StaffPrincipal, container: Container
) -> dict[str, Any]:
    return inspection_view(
        await service.get(inspections=container.inspections, inspection_id=inspection_id)
    )


@router.get(
    f"{BASE}/{{inspection_id}}/pools",
    summary="查看抽取所用的名录库（工作人员）",
    response_model=PoolsView,
)
async def get_pools(
    inspection_id: InspectionId, principal: StaffPrincipal, container: Container
) -> dict[str, Any]:
    record = await service.get(inspections=container.inspections, inspection_id=inspection_id)
    return pools_view(
        record, await service.pools_of(pools=container.inspection_pools, record=record)
    )


@router.post(
    f"{BASE}/{{inspection_id}}/results",
    summary="录入一家被抽查企业的检查结果",
    response_model=InspectionView,
)
async def record_result(
    inspection_id: InspectionId, form: ResultForm, principal: Reviewer, container: Container
) -> dict[str, Any]:
    result = InspectionResult(
        enterprise=form.uscc,
        inspected_on=form.inspected_on,
        outcome=form.outcome,
        findings=form.findings,
    )
    record = await service.record(
        inspections=container.inspections,
        inspection_id=inspection_id,
        result=result,
        on=today(container.settings),
    )
    return inspection_view(record)


@router.post(
    f"{BASE}/{{inspection_id}}/publish",
    summary="公开本次抽查的检查结果",
    response_model=InspectionView,
)
async def publish_inspection(
    inspection_id: InspectionId, principal: Reviewer, container: Container
) -> dict[str, Any]:
    record = await service.publish(
        inspections=container.inspections,
        caller=caller_of(principal),
        inspection_id=inspection_id,
        on=today(container.settings),
    )
    return inspection_view(record)


@router.get(PUBLIC, summary="已公开的双随机抽查结果（无需登录）", response_model=InspectionList)
async def public_inspections(container: Container) -> dict[str, Any]:
    records = await service.listed(
        inspections=container.inspections, status=InspectionStatus.PUBLISHED
    )
    return {"items": [inspection_view(record) for record in records]}


@router.get(
    f"{PUBLIC}/{{inspection_id}}",
    summary="查看一次已公开的抽查结果（无需登录）",
    response_model=InspectionView,
)
async def public_inspection(inspection_id: InspectionId, container: Container) -> dict[str, Any]:
    return inspection_view(
        await service.published(inspections=container.inspections, inspection_id=inspection_id)
    )


@router.get(
    f"{PUBLIC}/{{inspection_id}}/pools",
    summary="已公开抽查的随机种子与名录库，供任何人复核抽取结果（无需登录）",
    response_model=PoolsView,
)
async def public_pools(inspection_id: InspectionId, container: Container) -> dict[str, Any]:
    record = await service.published(inspections=container.inspections, inspection_id=inspection_id)
    return pools_view(
        record, await service.pools_of(pools=container.inspection_pools, record=record)
    )
