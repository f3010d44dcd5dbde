"""The city centre's decisions on a filing: return, reject, accept for notice (each with the
findings on the six 自主评价条件), resolve objections, suspend, reinstate, and the institution
code and serial (取消评价资质, on its grounds, is in exits/routes.py). Texts are checked by the
domain (422 in Chinese)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from skilleval_filing.clock import today
from skilleval_filing.filings import commands as c
from skilleval_filing.filings import objections, service
from skilleval_filing.filings.access import accessible_filing_id
from skilleval_filing.filings.schemas import (
    AcceptForm,
    FilingView,
    InstitutionCodeForm,
    InstitutionSerialForm,
    ReasonForm,
    RejectFiling,
    ResolveForm,
    ReturnForm,
    SuspendForm,
    filing_view,
)
from skilleval_filing.web import Container, Reviewer, SerialRecorder, caller_of
from skilleval_shared.auth import Principal
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(route_class=DomainErrorRoute)


async def _decide(
    container: Container, principal: Principal, filing_id: str, command: c.Command
) -> dict[str, Any]:
    caller = caller_of(principal)
    found = await service.execute(
        filings=container.filings,
        caller=caller,
        filing_id=accessible_filing_id(principal, filing_id),
        command=command,
    )
    return filing_view(found, caller.actor)


@router.post(
    "/{filing_id}/return", summary="退回修改（逐条列明修改意见）", response_model=FilingView
)
async def return_for_changes(
    filing_id: str, form: ReturnForm, principal: Reviewer, container: Container
) -> dict[str, Any]:
    command = c.ReturnForChanges(
        tuple(form.remarks), tuple(form.conditions), on=today(container.settings)
    )
    return await _decide(container, principal, filing_id, command)


@router.post("/{filing_id}/reject", summary="评估不合格，不予备案", response_model=FilingView)
async def reject(
    filing_id: str, form: RejectFiling, principal: Reviewer, container: Container
) -> dict[str, Any]:
    command = c.Reject(
        form.reason, tuple(form.remarks), tuple(form.conditions), on=today(container.settings)
    )
    return await _decide(container, principal, filing_id, command)


@router.post(
    "/{filing_id}/accept",
    summary="评估合格，进入公示",
    description="须逐项填写六项自主评价条件的审核结论，六项均符合方可评估合格。",
    response_model=FilingView,
)
async def accept_for_notice(
    filing_id: str, principal: Reviewer, container: Container, form: AcceptForm | None = None
) -> dict[str, Any]:
    command = c.AcceptForNotice(
        accepted_on=today(container.settings),
        conditions=tuple(form.conditions) if form else (),
        calendar=container.calendar,
        working_days=container.settings.notice_working_days,
    )
    return await _decide(container, principal, filing_id, command)


@router.post(
    "/{filing_id}/objections/{objection_id}/resolve",
    summary="处理公示期间的异议",
    response_model=FilingView,
)
async def resolve_objection(
    filing_id: str, objection_id: str, form: ResolveForm, principal: Reviewer, container: Container
) -> dict[str, Any]:
    caller = caller_of(principal)
    found = await objections.resolve_objection(
        filings=container.filings,
        receipts=container.receipts,
        filing_id=accessible_filing_id(principal, filing_id),
        objection_id=objection_id,
        upheld=form.outcome == "upheld",
        reason=form.reason,
        caller=caller,
        on=today(container.settings),
    )
    return filing_view(found, caller.actor)


@router.post("/{filing_id}/suspend", summary="暂停评价资格", response_model=FilingView)
async def suspend(
    filing_id: str, form: SuspendForm, principal: Reviewer, container: Container
) -> dict[str, Any]:
    return await _decide(container, principal, filing_id, c.Suspend(form.reason, form.until))


@router.post("/{filing_id}/reinstate", summary="恢复评价资格", response_model=FilingView)
async def reinstate(
    filing_id: str, form: ReasonForm, principal: Reviewer, container: Container
) -> dict[str, Any]:
    return await _decide(container, principal, filing_id, c.Reinstate(form.reason))


@router.put(
    "/{filing_id}/institution-code",
    summary="设置机构代码（证书编号第2–5位）",
    description="备案前后均可设置；已备案的，此后编号的证书使用新代码。",
    response_model=FilingView,
)
async def assign_institution_code(
    filing_id: str, form: InstitutionCodeForm, principal: Reviewer, container: Container
) -> dict[str, Any]:
    return await _decide(
        container, principal, filing_id, c.AssignInstitutionCode(form.institution_code)
    )


@router.put(
    "/{filing_id}/institution-serial",
    summary="登记机构序号（证书编号第8–13位，省中心分配）",
    description="备案前后均可登记；登记前不能编制证书编号。更正时再次登记即可，办理记录中留痕。",
    response_model=FilingView,
)
async def record_institution_serial(
    filing_id: str, form: InstitutionSerialForm, principal: SerialRecorder, container: Container
) -> dict[str, Any]:
    command = c.RecordInstitutionSerial(form.institution_serial, on=today(container.settings))
    return await _decide(container, principal, filing_id, command)
