"""退出机制 over HTTP: 取消评价资质 on recorded grounds, 继续备案, and the filing's term."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from skilleval_filing.clock import today
from skilleval_filing.exits import service
from skilleval_filing.exits.schemas import RefuseRenewalForm, RevokeForm, TermView, term_view
from skilleval_filing.filings.access import accessible_filing_id
from skilleval_filing.filings.repository import FilingRepository
from skilleval_filing.filings.schemas import FilingView, filing_view
from skilleval_filing.web import (
    Container,
    EnterpriseOrStaff,
    EnterprisePrincipal,
    Reviewer,
    caller_of,
)
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(prefix="/api/v1/filings", tags=["filings"], route_class=DomainErrorRoute)


def _term(container: Container, record: Any) -> dict[str, Any]:
    settings = container.settings
    return term_view(
        record,
        validity_years=settings.filing_validity_years,
        window_days=settings.renewal_window_days,
    )


@router.post(
    "/{filing_id}/revoke",
    summary="取消评价资质（撤销备案），列明理由及所依据的信用记录、抽查或投诉",
    response_model=FilingView,
)
async def revoke(
    filing_id: str, form: RevokeForm, principal: Reviewer, container: Container
) -> dict[str, Any]:
    caller = caller_of(principal)
    found = await service.revoke(
        filings=container.filings,
        credit=container.credit,
        inspections=container.inspections,
        complaints=container.complaints,
        caller=caller,
        filing_id=accessible_filing_id(principal, filing_id),
        reason=form.reason,
        grounds=tuple(ground.ground() for ground in form.grounds),
    )
    return filing_view(found, caller.actor)


@router.get(
    "/{filing_id}/term",
    summary="备案有效期、继续备案与退出情况",
    response_model=TermView,
)
async def get_term(
    filing_id: str, principal: EnterpriseOrStaff, container: Container
) -> dict[str, Any]:
    filings: FilingRepository = container.filings
    found = await filings.get(accessible_filing_id(principal, filing_id))
    return _term(container, found.state)


@router.post(
    "/{filing_id}/renewal",
    summary="企业申请继续备案（备案有效期届满前）",
    response_model=TermView,
)
async def request_renewal(
    filing_id: str, principal: EnterprisePrincipal, container: Container
) -> dict[str, Any]:
    found = await service.request_renewal(
        filings=container.filings,
        caller=caller_of(principal),
        filing_id=accessible_filing_id(principal, filing_id),
        today=today(container.settings),
        validity_years=container.settings.filing_validity_years,
        window_days=container.settings.renewal_window_days,
    )
    return _term(container, found.state)


@router.post(
    "/{filing_id}/renewal/accept",
    summary="市鉴定中心同意继续备案（有效期顺延）",
    response_model=TermView,
)
async def accept_renewal(
    filing_id: str, principal: Reviewer, container: Container
) -> dict[str, Any]:
    found = await service.renew(
        filings=container.filings,
        caller=caller_of(principal),
        filing_id=accessible_filing_id(principal, filing_id),
        validity_years=container.settings.filing_validity_years,
    )
    return _term(container, found.state)


@router.post(
    "/{filing_id}/renewal/refuse",
    summary="市鉴定中心不同意继续备案（有效期届满即失效）",
    response_model=TermView,
)
async def refuse_renewal(
    filing_id: str, form: RefuseRenewalForm, principal: Reviewer, container: Container
) -> dict[str, Any]:
    found = await service.refuse_renewal(
        filings=container.filings,
        caller=caller_of(principal),
        filing_id=accessible_filing_id(principal, filing_id),
        reason=form.reason,
    )
    return _term(container, found.state)
