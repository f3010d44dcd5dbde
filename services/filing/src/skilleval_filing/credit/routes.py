"""信用档案: staff record credit entries; staff and the enterprise itself read them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, status

from skilleval_filing.clock import today
from skilleval_filing.credit import service
from skilleval_filing.credit.schemas import CreditEntryView, CreditForm, CreditList, entry_view
from skilleval_filing.web import Container, EnterpriseOrStaff, Reviewer, caller_of
from skilleval_shared.auth import ensure_owner
from skilleval_shared.validation import USCC
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(tags=["supervision"], route_class=DomainErrorRoute)
BASE = "/api/v1/enterprises/{uscc}/credit-records"
Uscc = Annotated[USCC, Path(title="统一社会信用代码")]


@router.post(
    BASE,
    status_code=status.HTTP_201_CREATED,
    summary="记录企业信用档案",
    response_model=CreditEntryView,
)
async def record_credit(
    uscc: Uscc, form: CreditForm, principal: Reviewer, container: Container
) -> dict[str, Any]:
    entry = await service.record(
        credit=container.credit,
        filings=container.filings,
        caller=caller_of(principal),
        uscc=uscc,
        kind=form.kind,
        description=form.description,
        reference_id=form.reference_id,
        on=today(container.settings),
    )
    return entry_view(entry)


@router.get(BASE, summary="查看企业信用档案（工作人员及企业本身）", response_model=CreditList)
async def list_credit(
    uscc: Uscc, principal: EnterpriseOrStaff, container: Container
) -> dict[str, Any]:
    ensure_owner(principal, uscc)
    found = await service.entries(credit=container.credit, uscc=uscc)
    return {"uscc": uscc, "items": [entry_view(entry) for entry in found]}
