"""“双随机、一公开”: the standing pools, announcements (pools frozen, seed a later public value),
the one draw of each, results and publication by staff; announcements, draws and published
results for everyone."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status

from skilleval_filing.clock import today
from skilleval_filing.inspections import service
from skilleval_filing.inspections.model import InspectionResult, InspectionStatus, Inspector
from skilleval_filing.inspections.pools import PoolKind, PoolMember
from skilleval_filing.inspections.schemas import (
    AnnounceForm,
    AnnouncementList,
    AnnouncementView,
    DrawAnnouncedForm,
    EnterpriseMemberForm,
    InspectionList,
    InspectionView,
    InspectorForm,
    PoolMemberList,
    PoolMemberView,
    PoolsView,
    ResultForm,
    announcement_view,
    inspection_view,
    member_view,
    pools_view,
)
from skilleval_filing.web import Container, Reviewer, StaffPrincipal, caller_of
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(tags=["supervision"], route_class=DomainErrorRoute)
BASE = "/api/v1/inspections"
PUBLIC = "/api/v1/public/inspections"
ANNOUNCEMENTS = "/api/v1/inspection-announcements"
PUBLIC_ANNOUNCEMENTS = "/api/v1/public/inspection-announcements"
InspectionId = Annotated[str, Path(title="抽查编号", max_length=64)]


POOLS = "/api/v1/inspection-pools"


def _members(members: list[PoolMember]) -> dict[str, Any]:
    return {"items": [member_view(member) for member in members]}


@router.get(
    f"{POOLS}/{{kind}}",
    summary="查看检查对象名录库（enterprise）或执法检查人员名录库（inspector）",
    response_model=PoolMemberList,
)
async def list_pool(kind: PoolKind, principal: StaffPrincipal, container: Container) -> Any:
    return _members(await service.pool_members(standing=container.standing_pools, kind=kind))


@router.post(
    f"{POOLS}/enterprise",
    status_code=status.HTTP_201_CREATED,
    summary="将已备案企业列入检查对象名录库",
    response_model=PoolMemberView,
)
async def add_enterprise(
    form: EnterpriseMemberForm, principal: Reviewer, container: Container
) -> dict[str, Any]:
    member = await service.add_enterprise(
        standing=container.standing_pools,
        filings=container.filings,
        caller=caller_of(principal),
        uscc=form.uscc,
    )
    return member_view(member)


@router.post(
    f"{POOLS}/inspector",
    status_code=status.HTTP_201_CREATED,
    summary="将执法检查人员列入名录库",
    response_model=PoolMemberView,
)
async def add_inspector(
    form: InspectorForm, principal: Reviewer, container: Container
) -> dict[str, Any]:
    member = await service.add_inspector(
        standing=container.standing_pools,
        caller=caller_of(principal),
        inspector=Inspector(**form.model_dump()),
    )
    return member_view(member)


@router.delete(
    f"{POOLS}/{{kind}}/{{member_id}}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="从名录库中移出",
)
async def remove_member(
    kind: PoolKind,
    member_id: Annotated[str, Path(title="统一社会信用代码或执法检查人员编号", max_length=64)],
    principal: Reviewer,
    container: Container,
) -> Response:
    await service.remove_member(standing=container.standing_pools, kind=kind, member_id=member_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    ANNOUNCEMENTS,
    status_code=status.HTTP_201_CREATED,
    summary="发布抽查公告：冻结名录库，并指明随机种子（公告日之后公布的公开数值）",
    response_model=AnnouncementView,
)
async def announce(form: AnnounceForm, principal: Reviewer, container: Container) -> Any:
    announced = await service.announce(
        announcements=container.announcements,
        pools=container.inspection_pools,
        standing=container.standing_pools,
        caller=caller_of(principal),
        title=form.title,
        seed_source=form.seed_source,
        seed_date=form.seed_date,
        enterprise_count=form.enterprise_count,
        inspectors_per_enterprise=form.inspectors_per_enterprise,
        on=today(container.settings),
    )
    return announcement_view(announced, None)


@router.post(
    f"{ANNOUNCEMENTS}/{{inspection_id}}/draw",
    status_code=status.HTTP_201_CREATED,
    summary="以公告所指的公开数值为随机种子抽取（每份公告仅能抽取一次）",
    response_model=InspectionView,
)
async def draw_announced(
    inspection_id: InspectionId,
    form: DrawAnnouncedForm,
    principal: Reviewer,
    container: Container,
) -> dict[str, Any]:
    record = await service.draw(
        announcements=container.announcements,
        inspections=container.inspections,
        caller=caller_of(principal),
        inspection_id=inspection_id,
        public_value=form.public_value,
        on=today(container.settings),
    )
    return inspection_view(record)


@router.get(
    PUBLIC_ANNOUNCEMENTS,
    summary="双随机抽查公告及抽取结果（无需登录）",
    response_model=AnnouncementList,
)
async def public_announcements(container: Container) -> dict[str, Any]:
    listed = await service.announcements_listed(announcements=container.announcements)
    items = [
        announcement_view(
            item,
            await service.draw_of(
                inspections=container.inspections, inspection_id=item.inspection_id
            ),
        )
        for item in listed
    ]
    return {"items": items}


@router.get(
    f"{PUBLIC_ANNOUNCEMENTS}/{{inspection_id}}",
    summary="一份双随机抽查公告：冻结的名录库、随机种子来源，抽取后的种子与结果（无需登录）",
    response_model=AnnouncementView,
)
async def public_announcement(inspection_id: InspectionId, container: Container) -> Any:
    announced = await service.announcement(
        announcements=container.announcements, inspection_id=inspection_id
    )
    drawn = await service.draw_of(inspections=container.inspections, inspection_id=inspection_id)
    return announcement_view(announced, drawn)


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
