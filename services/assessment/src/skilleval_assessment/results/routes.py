"""成绩: entered (one or many at once, all or nothing), corrected only with a reason."""

from __future__ import annotations

from fastapi import APIRouter

from skilleval_assessment.plans.service import get as get_plan
from skilleval_assessment.results import service
from skilleval_assessment.results.schemas import Correction, ResultBatch, ResultList
from skilleval_assessment.web import (
    Container,
    Enterprise,
    EnterpriseOrStaff,
    actor_id,
    enterprise_uscc,
    owner_of,
    today,
)
from skilleval_shared.domain_errors import InvalidRequest
from skilleval_shared.events.assessment_parts import ResultEntry
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(prefix="/api/v1", tags=["results"], route_class=DomainErrorRoute)


@router.post("/plans/{plan_id}/results", summary="登记成绩", response_model=ResultList)
async def record(
    plan_id: str, batch: ResultBatch, principal: Enterprise, parts: Container
) -> ResultList:
    entries, _ = await service.record(
        plans=parts.plans,
        enrolments=parts.enrolments,
        batches=parts.batches,
        results=parts.results,
        entries_store=parts.result_batches,
        uscc=enterprise_uscc(principal),
        plan_id=plan_id,
        inputs=list(enumerate(batch.results, start=1)),
        recorded_by=actor_id(principal),
        today=today(),
    )
    return _listed(entries)


def _listed(entries: list[ResultEntry]) -> ResultList:
    passed = sum(1 for entry in entries if entry.passed)
    return ResultList(count=len(entries), passed=passed, results=entries)


@router.post(
    "/plans/{plan_id}/results/{registration_id}/correction",
    summary="更正成绩（须说明理由）",
    response_model=ResultEntry,
)
async def correct(
    plan_id: str,
    registration_id: str,
    form: Correction,
    principal: Enterprise,
    parts: Container,
) -> ResultEntry:
    if form.result.registration_id != registration_id:
        raise InvalidRequest("报名编号与地址不一致")
    return await service.correct(
        plans=parts.plans,
        enrolments=parts.enrolments,
        batches=parts.batches,
        results=parts.results,
        entries_store=parts.result_batches,
        uscc=enterprise_uscc(principal),
        plan_id=plan_id,
        given=form.result,
        reason=form.reason,
        corrected_by=actor_id(principal),
        today=today(),
    )


@router.get("/plans/{plan_id}/results", summary="成绩列表", response_model=ResultList)
async def list_results(plan_id: str, principal: EnterpriseOrStaff, parts: Container) -> ResultList:
    await get_plan(plans=parts.plans, plan_id=plan_id, owner=owner_of(principal))
    found = await service.entries(
        results=parts.results, entries_store=parts.result_batches, plan_id=plan_id
    )
    return _listed(found)
