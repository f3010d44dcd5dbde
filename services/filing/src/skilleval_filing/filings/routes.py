"""Filing applications: the enterprise's draft, submission and view, and the staff's lists.

The centre's decisions and the materials are routes of their own modules, under this prefix.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from skilleval_filing.catalog.table import CatalogTable
from skilleval_filing.filings import material_routes as filing_materials
from skilleval_filing.filings import review_routes as filing_review
from skilleval_filing.filings import service
from skilleval_filing.filings.access import accessible_filing_id
from skilleval_filing.filings.application import ApplicationDraft
from skilleval_filing.filings.lifecycle import FilingState
from skilleval_filing.filings.schemas import FilingList, FilingView, filing_view, summary_view
from skilleval_filing.web import (
    Container,
    EnterpriseOrStaff,
    EnterprisePrincipal,
    StaffPrincipal,
    caller_of,
)
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(prefix="/api/v1/filings", tags=["filings"], route_class=DomainErrorRoute)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="企业新建备案申请（草稿）",
    response_model=FilingView,
)
async def create_draft(principal: EnterprisePrincipal, container: Container) -> dict[str, Any]:
    assert principal.uscc is not None
    found = await service.create_draft(
        filings=container.filings, uscc=principal.uscc, enterprise_name=principal.name or None
    )
    return filing_view(found, caller_of(principal).actor)


@router.get("", summary="工作人员按状态列出备案申请", response_model=FilingList)
async def list_filings(
    principal: StaffPrincipal,
    container: Container,
    status: Annotated[FilingState, Query(title="备案状态")],
    limit: Annotated[int, Query(ge=1, le=1000, title="最多返回条数")] = 200,
) -> dict[str, Any]:
    found = await service.listed(filings=container.filings, status=status, limit=limit)
    return {"status": status.value, "items": [summary_view(item) for item in found]}


@router.get("/current", summary="企业查看本企业最新的备案申请", response_model=FilingView)
async def current_filing(principal: EnterprisePrincipal, container: Container) -> dict[str, Any]:
    assert principal.uscc is not None
    found = await service.current(filings=container.filings, uscc=principal.uscc)
    return filing_view(found, caller_of(principal).actor)


@router.get("/{filing_id}", summary="查看备案申请（本企业或工作人员）", response_model=FilingView)
async def get_filing(
    filing_id: str, principal: EnterpriseOrStaff, container: Container
) -> dict[str, Any]:
    found = await service.get(
        filings=container.filings, filing_id=accessible_filing_id(principal, filing_id)
    )
    return filing_view(found, caller_of(principal).actor)


@router.put(
    "/{filing_id}/application", summary="保存备案申请表（附件1）草稿", response_model=FilingView
)
async def save_application(
    filing_id: str, draft: ApplicationDraft, principal: EnterprisePrincipal, container: Container
) -> dict[str, Any]:
    caller = caller_of(principal)
    found = await service.save_application(
        filings=container.filings,
        caller=caller,
        filing_id=accessible_filing_id(principal, filing_id),
        draft=draft,
    )
    return filing_view(found, caller.actor)


@router.put(
    "/{filing_id}/catalog",
    summary="保存职业技能等级认定职业（工种）和标准目录清单（附表）",
    response_model=FilingView,
)
async def save_catalog(
    filing_id: str, catalog: CatalogTable, principal: EnterprisePrincipal, container: Container
) -> dict[str, Any]:
    caller = caller_of(principal)
    found = await service.save_catalog(
        filings=container.filings,
        caller=caller,
        filing_id=accessible_filing_id(principal, filing_id),
        catalog=catalog,
        access=container.access_occupations,
    )
    return filing_view(found, caller.actor)


@router.post(
    "/{filing_id}/submit", summary="提交备案申请（检查是否填写完整）", response_model=FilingView
)
async def submit(
    filing_id: str, principal: EnterprisePrincipal, container: Container
) -> dict[str, Any]:
    caller = caller_of(principal)
    found = await service.submit(
        filings=container.filings,
        caller=caller,
        filing_id=accessible_filing_id(principal, filing_id),
    )
    return filing_view(found, caller.actor)


@router.post(
    "/{filing_id}/resubmit", summary="退回修改后重新提交备案申请", response_model=FilingView
)
async def resubmit(
    filing_id: str, principal: EnterprisePrincipal, container: Container
) -> dict[str, Any]:
    caller = caller_of(principal)
    found = await service.submit(
        filings=container.filings,
        caller=caller,
        filing_id=accessible_filing_id(principal, filing_id),
        resubmission=True,
    )
    return filing_view(found, caller.actor)


router.include_router(filing_materials.router)
router.include_router(filing_review.router)
