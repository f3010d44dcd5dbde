"""信用档案: staff record credit entries; staff and the enterprise itself read them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, status

from skilleval_filing.clock import today
from skilleval_filing.credit import service as credit
from skilleval_filing.filings.filed import known_enterprise
from skilleval_filing.web import Container, EnterpriseOrStaff, Reviewer, caller_of
from skilleval_shared.auth import ensure_owner
from skilleval_shared.storage.aggregates import AggregateStore
from skilleval_shared.validation import USCC
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(tags=["supervision"], route_class=DomainErrorRoute)
BASE = "/api/v1/enterprises/{uscc}/credit-records"
Uscc = Annotated[USCC, Path(title="统一社会信用代码")]


def credit_store(parts: Container) -> AggregateStore:
    return parts.runtime.store(credit.KIND)


Store = Annotated[AggregateStore, Depends(credit_store)]


@router.post(BASE, status_code=status.HTTP_201_CREATED, summary="记录企业信用档案")
async def record_credit(
    uscc: Uscc, form: credit.CreditForm, principal: Reviewer, store: Store, parts: Container
) -> dict[str, Any]:
    await known_enterprise(parts.filings, uscc)
    entry = await credit.record(
        store=store, caller=caller_of(principal), uscc=uscc, form=form, on=today(parts.settings)
    )
    return credit.view(entry)


@router.get(BASE, summary="查看企业信用档案（工作人员及企业本身）")
async def list_credit(uscc: Uscc, principal: EnterpriseOrStaff, store: Store) -> dict[str, Any]:
    ensure_owner(principal, uscc)
    return {
        "uscc": uscc,
        "items": [credit.view(entry) for entry in await credit.entries(store, uscc)],
    }
