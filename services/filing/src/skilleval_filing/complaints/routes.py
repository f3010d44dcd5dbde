"""投诉举报: submitted by anyone (rate-limited), handled by city-centre staff."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, status

from skilleval_filing.clock import today
from skilleval_filing.complaints import service
from skilleval_filing.complaints.model import ComplaintState
from skilleval_filing.complaints.schemas import (
    ComplaintCase,
    ComplaintList,
    ComplaintProgress,
    ComplaintSubmission,
    ResolveComplaint,
    case,
    progress,
)
from skilleval_filing.web import Container, PublicWrite, Reviewer, StaffPrincipal, caller_of
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(tags=["supervision"], route_class=DomainErrorRoute)
BASE = "/api/v1/complaints"
PUBLIC = "/api/v1/public/complaints"
ComplaintId = Annotated[str, Path(title="投诉举报编号", max_length=64)]


def complaint_repository(container: Container) -> service.ComplaintRepository:
    return container.complaints


Complaints = Annotated[service.ComplaintRepository, Depends(complaint_repository)]


@router.post(
    PUBLIC,
    status_code=status.HTTP_201_CREATED,
    dependencies=[PublicWrite],
    summary="投诉举报（无需登录，须留联系电话或电子邮箱）",
    response_model=ComplaintProgress,
)
async def submit_complaint(
    form: ComplaintSubmission, complaints: Complaints, container: Container
) -> dict[str, Any]:
    record = await service.submit(complaints=complaints, form=form, on=today(container.settings))
    return progress(record)


@router.get(
    f"{PUBLIC}/{{complaint_id}}",
    summary="查询投诉举报办理进度（无需登录）",
    response_model=ComplaintProgress,
)
async def complaint_progress(complaint_id: ComplaintId, complaints: Complaints) -> dict[str, Any]:
    return progress(await service.get(complaints=complaints, complaint_id=complaint_id))


@router.get(BASE, summary="投诉举报列表（工作人员）", response_model=ComplaintList)
async def list_complaints(
    principal: StaffPrincipal,
    complaints: Complaints,
    status: Annotated[ComplaintState | None, Query(title="办理状态")] = None,
) -> dict[str, Any]:
    records = await service.listed(complaints=complaints, status=status)
    return {"items": [case(record) for record in records]}


@router.get(
    f"{BASE}/{{complaint_id}}", summary="查看投诉举报详情（工作人员）", response_model=ComplaintCase
)
async def get_complaint(
    complaint_id: ComplaintId, principal: StaffPrincipal, complaints: Complaints
) -> dict[str, Any]:
    return case(await service.get(complaints=complaints, complaint_id=complaint_id))


@router.post(
    f"{BASE}/{{complaint_id}}/handle", summary="开始核实处理投诉举报", response_model=ComplaintCase
)
async def handle_complaint(
    complaint_id: ComplaintId, principal: Reviewer, complaints: Complaints
) -> dict[str, Any]:
    record = await service.handle(
        complaints=complaints, caller=caller_of(principal), complaint_id=complaint_id
    )
    return case(record)


@router.post(
    f"{BASE}/{{complaint_id}}/resolve",
    summary="办结投诉举报并记录核实结论",
    response_model=ComplaintCase,
)
async def resolve_complaint(
    complaint_id: ComplaintId,
    form: ResolveComplaint,
    principal: Reviewer,
    complaints: Complaints,
    container: Container,
) -> dict[str, Any]:
    record = await service.resolve(
        complaints=complaints,
        caller=caller_of(principal),
        complaint_id=complaint_id,
        outcome=form.outcome,
        resolution=form.resolution,
        on=today(container.settings),
    )
    return case(record)
