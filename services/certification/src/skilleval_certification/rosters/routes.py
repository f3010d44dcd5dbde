"""Rosters: status and progress, failing rows, the two reviews, the numbering order."""

from __future__ import annotations

from fastapi import APIRouter

from skilleval_certification.rosters import service
from skilleval_certification.rosters.model import STATUS_TITLES, Roster
from skilleval_certification.rosters.schemas import ReviewForm, RosterView, RowProblem, RowProblems
from skilleval_certification.web import (
    CityReviewer,
    EnterpriseOrStaff,
    Parts,
    ProvinceReviewer,
    account_id,
    own_uscc,
    today,
)
from skilleval_shared.auth import Principal
from skilleval_shared.events.certification import ReviewStage
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(tags=["rosters"], route_class=DomainErrorRoute)


def view(roster: Roster) -> RosterView:
    return RosterView(
        roster_id=roster.roster_id,
        institution_uscc=roster.institution_uscc,
        status=roster.status.value,
        status_title=STATUS_TITLES[roster.status],
        chunk_count=roster.chunk_count,
        chunks_received=roster.chunk_count,
        rows_received=roster.row_count,
        passed_count=roster.passed_count,
        failed_count=roster.failed_count,
        approved_count=len(roster.approved_seqs()),
        certificate_count=roster.certificate_count,
        issue_date=roster.issue_date.isoformat() if roster.issue_date else None,
        numbering_refused=roster.numbering_refused,
    )


@router.get("/api/v1/rosters/{roster_id}", summary="名册状态与校验进度", response_model=RosterView)
async def roster_status(roster_id: str, principal: EnterpriseOrStaff, parts: Parts) -> RosterView:
    progress = await service.progress(
        parts=parts.rosters, roster_id=roster_id, uscc=own_uscc(principal)
    )
    if progress.roster is not None:
        return view(progress.roster)
    total = progress.chunk_count or "?"
    return RosterView(
        roster_id=roster_id,
        status="validating",
        status_title=f"校验中：已校验{progress.chunks_received}/{total}块，{progress.rows_received}行",
        chunk_count=progress.chunk_count,
        chunks_received=progress.chunks_received,
        rows_received=progress.rows_received,
        failed_count=progress.rows_failed_so_far,
    )


@router.get(
    "/api/v1/rosters/{roster_id}/problems",
    summary="校验未通过的行及原因",
    response_model=RowProblems,
)
async def roster_problems(
    roster_id: str, principal: EnterpriseOrStaff, parts: Parts
) -> RowProblems:
    rows = await service.failing_rows(
        parts=parts.rosters, roster_id=roster_id, uscc=own_uscc(principal)
    )
    problems = [
        RowProblem(seq=item.row.seq, column=problem.column, message=problem.message)
        for item in rows
        for problem in item.problems
    ]
    return RowProblems(roster_id=roster_id, failed_count=len(rows), problems=problems)


async def _review(
    roster_id: str, stage: ReviewStage, form: ReviewForm, principal: Principal, parts: Parts
) -> RosterView:
    roster = await service.review(
        parts=parts.rosters,
        roster_id=roster_id,
        stage=stage,
        approve=form.approve,
        reviewed_by=account_id(principal),
        remarks=form.remarks,
        rejected_rows={item.seq: item.remark for item in form.rejected_rows},
        today=today(),
    )
    return view(roster)


@router.post(
    "/api/v1/rosters/{roster_id}/city-review",
    summary="市级审核（名册或个别行）",
    response_model=RosterView,
)
async def city_review(
    roster_id: str, form: ReviewForm, principal: CityReviewer, parts: Parts
) -> RosterView:
    return await _review(roster_id, ReviewStage.CITY, form, principal, parts)


@router.post(
    "/api/v1/rosters/{roster_id}/province-review",
    summary="省级审核（名册或个别行）",
    response_model=RosterView,
)
async def province_review(
    roster_id: str, form: ReviewForm, principal: ProvinceReviewer, parts: Parts
) -> RosterView:
    return await _review(roster_id, ReviewStage.PROVINCE, form, principal, parts)


@router.post(
    "/api/v1/rosters/{roster_id}/numbering",
    summary="申请编号发证（补全机构序号后）",
    response_model=RosterView,
)
async def numbering(roster_id: str, principal: EnterpriseOrStaff, parts: Parts) -> RosterView:
    roster = await service.request_numbering(
        parts=parts.rosters, roster_id=roster_id, uscc=own_uscc(principal), today=today()
    )
    return view(roster)
