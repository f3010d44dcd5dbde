"""动态管理: the filed catalog, its versions and history, and catalog change requests."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, status

from skilleval_filing.catalog import service
from skilleval_filing.catalog.schemas import (
    CatalogCurrent,
    CatalogHistory,
    CatalogVersionView,
    ChangeForm,
    ChangeList,
    ChangeView,
    ProposedChange,
    RejectChange,
    catalog_json,
    change_view,
    current_view,
    history_view,
    version_view,
)
from skilleval_filing.clock import today
from skilleval_filing.web import (
    Container,
    EnterpriseOrStaff,
    EnterprisePrincipal,
    Reviewer,
    StaffPrincipal,
    caller_of,
)
from skilleval_shared.auth import ensure_owner
from skilleval_shared.validation import USCC
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(tags=["catalog"], route_class=DomainErrorRoute)
BASE = "/api/v1/enterprises/{uscc}/catalog"
Uscc = Annotated[USCC, Path(title="统一社会信用代码")]
ChangeId = Annotated[str, Path(title="目录调整申请编号", max_length=64)]


@router.get(BASE, summary="查看企业当前有效的职业（工种）目录", response_model=CatalogCurrent)
async def current_catalog(
    uscc: Uscc, principal: EnterpriseOrStaff, container: Container
) -> dict[str, Any]:
    ensure_owner(principal, uscc)
    book = await service.readable(catalogs=container.catalogs, filings=container.filings, uscc=uscc)
    return current_view(book)


@router.get(
    f"{BASE}/history", summary="查看目录的全部版本及调整记录", response_model=CatalogHistory
)
async def catalog_history(
    uscc: Uscc, principal: EnterpriseOrStaff, container: Container
) -> dict[str, Any]:
    ensure_owner(principal, uscc)
    book = await service.readable(catalogs=container.catalogs, filings=container.filings, uscc=uscc)
    return history_view(book)


@router.get(
    f"{BASE}/versions/{{number}}",
    summary="查看某一版本的完整目录",
    response_model=CatalogVersionView,
)
async def catalog_version(
    uscc: Uscc,
    number: Annotated[int, Path(ge=1, title="版本号")],
    principal: EnterpriseOrStaff,
    container: Container,
) -> dict[str, Any]:
    ensure_owner(principal, uscc)
    book = await service.readable(catalogs=container.catalogs, filings=container.filings, uscc=uscc)
    record, catalog = await service.version(catalogs=container.catalogs, book=book, number=number)
    return version_view(book, record, catalog)


@router.post(
    f"{BASE}/changes",
    status_code=status.HTTP_201_CREATED,
    summary="备案企业申请增加或减少职业（工种）、调整级别",
    response_model=ProposedChange,
)
async def submit_change(
    uscc: Uscc, form: ChangeForm, principal: EnterprisePrincipal, container: Container
) -> dict[str, Any]:
    ensure_owner(principal, uscc)
    record, proposed = await service.submit(
        catalogs=container.catalogs,
        filings=container.filings,
        caller=caller_of(principal),
        uscc=uscc,
        operations=form.operations,
        explanation=form.explanation,
        on=today(container.settings),
        access=container.access_occupations,
    )
    return change_view(uscc, record) | {
        "proposed_version": proposed.number,
        "proposed_catalog": catalog_json(proposed.catalog),
    }


@router.get(f"{BASE}/changes", summary="查看企业的目录调整申请", response_model=ChangeList)
async def list_changes(
    uscc: Uscc, principal: EnterpriseOrStaff, container: Container
) -> dict[str, Any]:
    ensure_owner(principal, uscc)
    found = await service.changes(catalogs=container.catalogs, filings=container.filings, uscc=uscc)
    return {"items": [change_view(uscc, record) for record in found]}


@router.get(
    f"{BASE}/changes/{{change_id}}", summary="查看一项目录调整申请", response_model=ChangeView
)
async def get_change(
    uscc: Uscc, change_id: ChangeId, principal: EnterpriseOrStaff, container: Container
) -> dict[str, Any]:
    ensure_owner(principal, uscc)
    record = await service.change(
        catalogs=container.catalogs, filings=container.filings, uscc=uscc, change_id=change_id
    )
    return change_view(uscc, record)


@router.post(
    f"{BASE}/changes/{{change_id}}/accept",
    summary="市鉴定中心通过目录调整（即时生效）",
    response_model=ChangeView,
)
async def accept_change(
    uscc: Uscc, change_id: ChangeId, principal: Reviewer, container: Container
) -> dict[str, Any]:
    record = await service.accept(
        catalogs=container.catalogs,
        filings=container.filings,
        caller=caller_of(principal),
        uscc=uscc,
        change_id=change_id,
        on=today(container.settings),
    )
    return change_view(uscc, record)


@router.post(
    f"{BASE}/changes/{{change_id}}/reject",
    summary="市鉴定中心不予通过目录调整",
    response_model=ChangeView,
)
async def reject_change(
    uscc: Uscc, change_id: ChangeId, form: RejectChange, principal: Reviewer, container: Container
) -> dict[str, Any]:
    record = await service.reject(
        catalogs=container.catalogs,
        filings=container.filings,
        caller=caller_of(principal),
        uscc=uscc,
        change_id=change_id,
        reason=form.reason,
        remarks=form.remarks,
        on=today(container.settings),
    )
    return change_view(uscc, record)


@router.get(
    "/api/v1/catalog-changes", summary="待审核的目录调整申请（工作人员）", response_model=ChangeList
)
async def pending_changes(principal: StaffPrincipal, container: Container) -> dict[str, Any]:
    found = await service.pending(catalogs=container.catalogs)
    return {"items": [change_view(uscc, record) for uscc, record in found]}
