"""成绩: entered (one or many at once, all or nothing), corrected only with a reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from skilleval_assessment.candidates.model import RowError
from skilleval_assessment.candidates.schemas import RowProblem
from skilleval_assessment.plans.service import get as get_plan
from skilleval_assessment.results import service, sheets
from skilleval_assessment.results.schemas import (
    Correction,
    ResultBatch,
    ResultImportReport,
    ResultList,
)
from skilleval_assessment.rosters.export import XLSX
from skilleval_assessment.web import (
    Container,
    Enterprise,
    EnterpriseOrStaff,
    actor_id,
    enterprise_uscc,
    owner_of,
    read_body,
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
        files=parts.files,
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


@router.get(
    "/plans/{plan_id}/result-template.xlsx",
    summary="下载成绩导入模板（列出资格审核通过的人员及本方案的考核项目）",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
)
async def template(plan_id: str, principal: EnterpriseOrStaff, parts: Container) -> Response:
    plan = (await get_plan(plans=parts.plans, plan_id=plan_id, owner=owner_of(principal))).state
    registered = await service.enrolled(
        enrolments=parts.enrolments, batches=parts.batches, plan_id=plan_id
    )
    headers = {"Content-Disposition": f'attachment; filename="results-{plan_id}.xlsx"'}
    content = sheets.template_xlsx(plan, list(registered.values()))
    return Response(content, media_type=XLSX, headers=headers)


@router.post(
    "/plans/{plan_id}/results/import",
    summary="批量导入成绩（xlsx或UTF-8 CSV，请求体为文件内容；含评价日期和考评人员）",
    response_model=ResultImportReport,
)
async def import_results(
    plan_id: str,
    request: Request,
    principal: Enterprise,
    parts: Container,
    file_format: Annotated[str, Query(alias="format", pattern="^(xlsx|csv)$")] = "xlsx",
    partial: bool = Query(default=False, title="有错误行时仍登记其余各行"),
) -> ResultImportReport:
    uscc = enterprise_uscc(principal)
    content = await read_body(request, parts.settings.max_import_bytes)
    plan = (await get_plan(plans=parts.plans, plan_id=plan_id, owner=uscc)).state
    try:
        inputs, bad = sheets.read(content, file_format, sheets.components_of(plan))
    except sheets.SheetError as error:
        raise InvalidRequest(str(error)) from None
    if not inputs and not bad:
        raise InvalidRequest("文件中没有成绩")
    entries, errors = await service.record(
        plans=parts.plans,
        enrolments=parts.enrolments,
        batches=parts.batches,
        results=parts.results,
        entries_store=parts.result_batches,
        uscc=uscc,
        plan_id=plan_id,
        inputs=inputs,
        bad_rows=bad,
        partial=partial,
        recorded_by=actor_id(principal),
        today=today(),
        files=parts.files,
    )
    return ResultImportReport(
        recorded=len(entries),
        passed=sum(1 for entry in entries if entry.passed),
        rejected_rows=[_problem(error) for error in errors],
    )


def _problem(error: RowError) -> RowProblem:
    return RowProblem(row=error.row, column=error.column, message=error.message)
