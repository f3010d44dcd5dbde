"""报名 and 资格审核: one candidate, or a sheet (xlsx or CSV) with its template."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response, status

from skilleval_assessment.candidates import service, sheets
from skilleval_assessment.candidates.model import CandidateForm, RowError
from skilleval_assessment.candidates.schemas import (
    ImportProgress,
    ImportReport,
    RegistrationList,
    RowProblem,
)
from skilleval_assessment.plans.service import get as get_plan
from skilleval_assessment.rosters.export import XLSX
from skilleval_assessment.web import (
    Container,
    Enterprise,
    EnterpriseOrStaff,
    enterprise_uscc,
    owner_of,
    read_body,
)
from skilleval_shared.domain_errors import InvalidRequest, NotFound
from skilleval_shared.envelope import new_event_id
from skilleval_shared.events.assessment_parts import Registration
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(prefix="/api/v1", tags=["candidates"], route_class=DomainErrorRoute)


@router.post(
    "/plans/{plan_id}/candidates",
    status_code=status.HTTP_201_CREATED,
    summary="报名（资格审核随即进行，结果随报名记录：通过的申报条件或未通过的原因）",
    response_model=Registration,
)
async def register(
    plan_id: str, form: CandidateForm, principal: Enterprise, parts: Container
) -> Registration:
    return await service.register_one(
        plans=parts.plans,
        institutions=parts.enterprises,
        enrolments=parts.enrolments,
        batches=parts.batches,
        uscc=enterprise_uscc(principal),
        plan_id=plan_id,
        form=form,
        files=parts.files,
    )


@router.get(
    "/plans/{plan_id}/candidates", summary="参加评价人员名单", response_model=RegistrationList
)
async def list_candidates(
    plan_id: str, principal: EnterpriseOrStaff, parts: Container
) -> RegistrationList:
    await get_plan(plans=parts.plans, plan_id=plan_id, owner=owner_of(principal))
    found = await service.registrations(
        enrolments=parts.enrolments, batches=parts.batches, plan_id=plan_id
    )
    return RegistrationList(count=len(found), registrations=found)


@router.get(
    "/candidate-template.xlsx",
    summary="下载报名人员导入模板",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
)
async def template(principal: EnterpriseOrStaff) -> Response:
    headers = {"Content-Disposition": 'attachment; filename="candidates-template.xlsx"'}
    return Response(sheets.template_xlsx(), media_type=XLSX, headers=headers)


@router.post(
    "/plans/{plan_id}/candidates/import",
    summary="批量导入报名人员（xlsx或UTF-8 CSV，请求体为文件内容）",
    response_model=ImportReport,
)
async def import_candidates(
    plan_id: str,
    request: Request,
    principal: Enterprise,
    parts: Container,
    file_format: Annotated[str, Query(alias="format", pattern="^(xlsx|csv)$")] = "xlsx",
    partial: bool = Query(default=False, title="有错误行时仍导入其余各行"),
    import_id: Annotated[
        str | None, Header(alias="X-Import-ID", pattern=r"^[0-9A-Za-z-]{1,64}$")
    ] = None,
) -> ImportReport:
    import_id = import_id or new_event_id()
    uscc = enterprise_uscc(principal)
    content = await read_body(request, parts.settings.max_import_bytes)
    await get_plan(plans=parts.plans, plan_id=plan_id, owner=uscc)
    log = service.ImportProgressLog(parts.imports, f"{plan_id}/{import_id}")
    async with log:
        try:
            forms, bad = await asyncio.to_thread(
                sheets.read, content, file_format, lambda rows: log.note("reading", rows)
            )
        except sheets.SheetError as error:
            log.note("failed", 0)
            raise InvalidRequest(str(error)) from None
        log.total(len(forms) + len(bad))
        try:
            outcome = await service.register(
                plans=parts.plans,
                institutions=parts.enterprises,
                enrolments=parts.enrolments,
                batches=parts.batches,
                uscc=uscc,
                plan_id=plan_id,
                rows=forms,
                bad_rows=bad,
                partial=partial,
                progress=log.note,
                files=parts.files,
            )
        except BaseException:
            log.note("failed", 0)
            raise
        if not outcome.registered:
            log.note("failed", len(forms) + len(bad))
    service.refuse_import(outcome=outcome)
    return ImportReport(
        import_id=import_id,
        registered=len(outcome.registered),
        eligible=sum(1 for r in outcome.registered if r.eligibility.eligible),
        ineligible_rows=[_problem(error) for error in outcome.ineligible],
        rejected_rows=[_problem(error) for error in outcome.errors],
    )


def _problem(error: RowError) -> RowProblem:
    return RowProblem(row=error.row, column=error.column, message=error.message)


@router.get(
    "/plans/{plan_id}/imports/{import_id}",
    summary="批量导入进度",
    response_model=ImportProgress,
)
async def import_progress(
    plan_id: str, import_id: str, principal: EnterpriseOrStaff, parts: Container
) -> ImportProgress:
    await get_plan(plans=parts.plans, plan_id=plan_id, owner=owner_of(principal))
    found = await parts.imports.find_one({"_id": f"{plan_id}/{import_id}"})
    if found is None:
        raise NotFound("导入记录不存在")
    return ImportProgress(import_id=import_id, **{k: v for k, v in found.items() if k != "_id"})
