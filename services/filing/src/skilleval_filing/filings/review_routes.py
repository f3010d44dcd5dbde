"""The city centre's decisions on a filing: return, reject, accept for notice, resolve
objections, suspend, reinstate, revoke. Texts are checked by the domain (422 in Chinese)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from skilleval_filing.clock import today
from skilleval_filing.filings import commands as c
from skilleval_filing.filings import objections, views
from skilleval_filing.filings import service as filings
from skilleval_filing.filings.access import accessible_filing_id
from skilleval_filing.filings.remarks import Remark
from skilleval_filing.web import Container, Reviewer, caller_of
from skilleval_shared.auth import Principal
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(route_class=DomainErrorRoute)


class _Form(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReturnForm(_Form):
    remarks: list[Remark] = Field(title="逐条修改意见")


class RejectForm(_Form):
    reason: str = Field(title="不予备案理由")
    remarks: list[Remark] = Field(default_factory=list, title="逐条意见")


class ResolveForm(_Form):
    outcome: Literal["upheld", "dismissed"] = Field(title="处理结果：upheld 成立，dismissed 不成立")
    reason: str = Field(title="处理意见")


class SuspendForm(_Form):
    reason: str = Field(title="暂停原因")
    until: date | None = Field(default=None, title="暂停至")


class ReasonForm(_Form):
    reason: str = Field(title="理由")


class InstitutionCodeForm(_Form):
    institution_code: str = Field(
        title="机构代码（4位数字，国家部委核发；未核发为0000）", max_length=16
    )


async def _decide(
    parts: Container, principal: Principal, filing_id: str, command: c.Command
) -> dict[str, Any]:
    caller = caller_of(principal)
    stored = await filings.execute(
        parts.filings, accessible_filing_id(principal, filing_id), command, caller
    )
    return views.filing_view(stored, caller.actor)


@router.post("/{filing_id}/return", summary="退回修改（逐条列明修改意见）")
async def return_for_changes(
    filing_id: str, form: ReturnForm, principal: Reviewer, parts: Container
) -> dict[str, Any]:
    return await _decide(parts, principal, filing_id, c.ReturnForChanges(tuple(form.remarks)))


@router.post("/{filing_id}/reject", summary="评估不合格，不予备案")
async def reject(
    filing_id: str, form: RejectForm, principal: Reviewer, parts: Container
) -> dict[str, Any]:
    return await _decide(parts, principal, filing_id, c.Reject(form.reason, tuple(form.remarks)))


@router.post("/{filing_id}/accept", summary="评估合格，进入公示")
async def accept_for_notice(
    filing_id: str, principal: Reviewer, parts: Container
) -> dict[str, Any]:
    command = c.AcceptForNotice(
        accepted_on=today(parts.settings),
        calendar=parts.calendar,
        working_days=parts.settings.notice_working_days,
    )
    return await _decide(parts, principal, filing_id, command)


@router.post("/{filing_id}/objections/{objection_id}/resolve", summary="处理公示期间的异议")
async def resolve_objection(
    filing_id: str, objection_id: str, form: ResolveForm, principal: Reviewer, parts: Container
) -> dict[str, Any]:
    caller = caller_of(principal)
    stored = await objections.resolve_objection(
        parts.filings,
        parts.receipts,
        filing_id=accessible_filing_id(principal, filing_id),
        objection_id=objection_id,
        upheld=form.outcome == "upheld",
        reason=form.reason,
        caller=caller,
        on=today(parts.settings),
    )
    return views.filing_view(stored, caller.actor)


@router.post("/{filing_id}/suspend", summary="暂停评价资格")
async def suspend(
    filing_id: str, form: SuspendForm, principal: Reviewer, parts: Container
) -> dict[str, Any]:
    return await _decide(parts, principal, filing_id, c.Suspend(form.reason, form.until))


@router.post("/{filing_id}/reinstate", summary="恢复评价资格")
async def reinstate(
    filing_id: str, form: ReasonForm, principal: Reviewer, parts: Container
) -> dict[str, Any]:
    return await _decide(parts, principal, filing_id, c.Reinstate(form.reason))


@router.post("/{filing_id}/revoke", summary="撤销备案（停止颁发新证书）")
async def revoke(
    filing_id: str, form: ReasonForm, principal: Reviewer, parts: Container
) -> dict[str, Any]:
    return await _decide(parts, principal, filing_id, c.Revoke(form.reason))


@router.put(
    "/{filing_id}/institution-code",
    summary="设置机构代码（证书编号第2–5位）",
    description="备案前后均可设置；已备案的，此后编号的证书使用新代码。",
)
async def assign_institution_code(
    filing_id: str, form: InstitutionCodeForm, principal: Reviewer, parts: Container
) -> dict[str, Any]:
    return await _decide(
        parts, principal, filing_id, c.AssignInstitutionCode(form.institution_code)
    )
