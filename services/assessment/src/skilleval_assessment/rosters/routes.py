"""名册 (附件3): preview export, submission to certification, and its progress."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from skilleval_assessment.plans.service import get as get_plan
from skilleval_assessment.rosters import service
from skilleval_assessment.rosters.export import XLSX, roster_xlsx
from skilleval_assessment.rosters.model import Submission
from skilleval_assessment.rosters.schemas import RosterView, SubmissionView
from skilleval_assessment.web import (
    AssessmentParts,
    Container,
    Enterprise,
    EnterpriseOrStaff,
    enterprise_uscc,
    owner_of,
)
from skilleval_shared.domain_errors import NotFound
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(prefix="/api/v1", tags=["rosters"], route_class=DomainErrorRoute)
XLSX_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {XLSX: {}}}}


def _download(content: bytes, name: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}.xlsx"'}
    return Response(content, media_type=XLSX, headers=headers)


@router.get(
    "/plans/{plan_id}/roster.xlsx",
    summary="导出名册（按当前合格人员生成，附件3格式）",
    response_class=Response,
    responses=XLSX_RESPONSE,
)
async def export_current(plan_id: str, principal: EnterpriseOrStaff, parts: Container) -> Response:
    rows, _ = await service.build(
        plans=parts.plans,
        enrolments=parts.enrolments,
        batches=parts.batches,
        results=parts.results,
        institutions=parts.enterprises,
        uscc=owner_of(principal),
        plan_id=plan_id,
    )
    return _download(roster_xlsx(rows), f"roster-{plan_id}")


async def _view(parts: AssessmentParts, submission: Submission) -> SubmissionView:
    progress = await parts.progress.get(submission.roster_id) or {}
    known = {k: v for k, v in progress.items() if k in SubmissionView.model_fields}
    return SubmissionView.model_validate(submission.model_dump() | known)


@router.post(
    "/plans/{plan_id}/roster",
    summary="报送名册（重复报送不会重复提交）",
    response_model=SubmissionView,
)
async def submit(plan_id: str, principal: Enterprise, parts: Container) -> SubmissionView:
    submission = await service.submit(
        plans=parts.plans,
        enrolments=parts.enrolments,
        batches=parts.batches,
        results=parts.results,
        rosters=parts.rosters,
        rows_store=parts.roster_rows,
        institutions=parts.enterprises,
        stages=parts.progress,
        uscc=enterprise_uscc(principal),
        plan_id=plan_id,
    )
    return await _view(parts, submission)


@router.get("/plans/{plan_id}/roster", summary="名册报送记录及审核进度", response_model=RosterView)
async def progress(plan_id: str, principal: EnterpriseOrStaff, parts: Container) -> RosterView:
    await get_plan(plans=parts.plans, plan_id=plan_id, owner=owner_of(principal))
    found = await parts.rosters.load(plan_id)
    submissions = found.state.submissions if found else ()
    return RosterView(
        plan_id=plan_id, submissions=[await _view(parts, item) for item in submissions]
    )


@router.get(
    "/plans/{plan_id}/rosters/{roster_id}.xlsx",
    summary="导出已报送的名册",
    response_class=Response,
    responses=XLSX_RESPONSE,
)
async def export_submitted(
    plan_id: str, roster_id: str, principal: EnterpriseOrStaff, parts: Container
) -> Response:
    await get_plan(plans=parts.plans, plan_id=plan_id, owner=owner_of(principal))
    found = await parts.rosters.load(plan_id)
    if found is None or roster_id not in {s.roster_id for s in found.state.submissions}:
        raise NotFound("名册不存在")
    rows = await service.submitted_rows(rows_store=parts.roster_rows, roster_id=roster_id)
    return _download(roster_xlsx(rows), roster_id)
