"""投诉举报: submitted by anyone (rate-limited), handled by city-centre staff."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, status

from skilleval_filing.clock import today
from skilleval_filing.complaints import service as complaints
from skilleval_filing.complaints.model import ComplaintState
from skilleval_filing.web import Container, PublicWrite, Reviewer, StaffPrincipal, caller_of
from skilleval_shared.storage.aggregates import AggregateStore
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(tags=["supervision"], route_class=DomainErrorRoute)
BASE = "/api/v1/complaints"
PUBLIC = "/api/v1/public/complaints"
ComplaintId = Annotated[str, Path(title="投诉举报编号", max_length=64)]


def complaint_store(parts: Container) -> AggregateStore:
    return parts.runtime.store(complaints.KIND)


Store = Annotated[AggregateStore, Depends(complaint_store)]


@router.post(
    PUBLIC,
    status_code=status.HTTP_201_CREATED,
    dependencies=[PublicWrite],
    summary="投诉举报（无需登录，须留联系电话或电子邮箱）",
)
async def submit_complaint(
    form: complaints.ComplaintSubmission, store: Store, parts: Container
) -> dict[str, Any]:
    record = await complaints.submit(store=store, form=form, on=today(parts.settings))
    return complaints.public_view(record)


@router.get(f"{PUBLIC}/{{complaint_id}}", summary="查询投诉举报办理进度（无需登录）")
async def complaint_progress(complaint_id: ComplaintId, store: Store) -> dict[str, Any]:
    record, _ = await complaints.load(store, complaint_id)
    return complaints.public_view(record)


@router.get(BASE, summary="投诉举报列表（工作人员）")
async def list_complaints(
    principal: StaffPrincipal,
    store: Store,
    status: Annotated[ComplaintState | None, Query(title="办理状态")] = None,
) -> dict[str, Any]:
    records = await complaints.listed(store, status)
    return {"items": [complaints.staff_view(record) for record in records]}


@router.get(f"{BASE}/{{complaint_id}}", summary="查看投诉举报详情（工作人员）")
async def get_complaint(
    complaint_id: ComplaintId, principal: StaffPrincipal, store: Store
) -> dict[str, Any]:
    record, _ = await complaints.load(store, complaint_id)
    return complaints.staff_view(record)


@router.post(f"{BASE}/{{complaint_id}}/handle", summary="开始核实处理投诉举报")
async def handle_complaint(
    complaint_id: ComplaintId, principal: Reviewer, store: Store
) -> dict[str, Any]:
    record = await complaints.handle(
        store=store, caller=caller_of(principal), complaint_id=complaint_id
    )
    return complaints.staff_view(record)


@router.post(f"{BASE}/{{complaint_id}}/resolve", summary="办结投诉举报并记录核实结论")
async def resolve_complaint(
    complaint_id: ComplaintId,
    form: complaints.ResolveForm,
    principal: Reviewer,
    store: Store,
    parts: Container,
) -> dict[str, Any]:
    record = await complaints.resolve(
        store=store,
        caller=caller_of(principal),
        complaint_id=complaint_id,
        form=form,
        on=today(parts.settings),
    )
    return complaints.staff_view(record)
