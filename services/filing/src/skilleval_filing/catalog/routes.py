"""动态管理: the filed catalog, its versions and history, and catalog change requests."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, status

from skilleval_filing.catalog import schemas as catalog_change_forms
from skilleval_filing.catalog import service as catalog_changes
from skilleval_filing.catalog import views as catalog_views
from skilleval_filing.clock import today
from skilleval_filing.review import ReviewState
from skilleval_filing.web import (
    Books,
    Container,
    EnterpriseOrStaff,
    EnterprisePrincipal,
    Reviewer,
    StaffPrincipal,
    caller_of,
)
from skilleval_shared.auth import ensure_owner
from skilleval_shared.problems import not_found
from skilleval_shared.validation import USCC
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(tags=["catalog"], route_class=DomainErrorRoute)
BASE = "/api/v1/enterprises/{uscc}/catalog"
Uscc = Annotated[USCC, Path(title="统一社会信用代码")]
ChangeId = Annotated[str, Path(title="目录调整申请编号", max_length=64)]


@router.get(BASE, summary="查看企业当前有效的职业（工种）目录")
async def current_catalog(uscc: Uscc, principal: EnterpriseOrStaff, books: Books) -> dict[str, Any]:
    ensure_owner(principal, uscc)
    return catalog_views.current(await catalog_views.readable(books, uscc))


@router.get(f"{BASE}/history", summary="查看目录的全部版本及调整记录")
async def catalog_history(uscc: Uscc, principal: EnterpriseOrStaff, books: Books) -> dict[str, Any]:
    ensure_owner(principal, uscc)
    return catalog_views.history(await catalog_views.readable(books, uscc))


@router.get(f"{BASE}/versions/{{number}}", summary="查看某一版本的完整目录")
async def catalog_version(
    uscc: Uscc,
    number: Annotated[int, Path(ge=1, title="版本号")],
    principal: EnterpriseOrStaff,
    books: Books,
) -> dict[str, Any]:
    ensure_owner(principal, uscc)
    opened = await catalog_views.readable(books, uscc)
    return await catalog_views.version(books, opened, number)


@router.post(
    f"{BASE}/changes",
    status_code=status.HTTP_201_CREATED,
    summary="备案企业申请增加或减少职业（工种）、调整级别",
)
async def submit_change(
    uscc: Uscc,
    form: catalog_change_forms.ChangeForm,
    principal: EnterprisePrincipal,
    books: Books,
    parts: Container,
) -> dict[str, Any]:
    ensure_owner(principal, uscc)
    record, proposed = await catalog_changes.submit(
        books=books, caller=caller_of(principal), uscc=uscc, form=form, on=today(parts.settings)
    )
    return catalog_views.change(uscc, record) | {
        "proposed_version": proposed.number,
        "proposed_catalog": catalog_views.catalog_json(proposed.catalog),
    }


@router.get(f"{BASE}/changes", summary="查看企业的目录调整申请")
async def list_changes(uscc: Uscc, principal: EnterpriseOrStaff, books: Books) -> dict[str, Any]:
    ensure_owner(principal, uscc)
    opened = await books.open(uscc)
    changes = opened.book.changes if opened else ()
    return {"items": [catalog_views.change(uscc, record) for record in changes]}


@router.get(f"{BASE}/changes/{{change_id}}", summary="查看一项目录调整申请")
async def get_change(
    uscc: Uscc, change_id: ChangeId, principal: EnterpriseOrStaff, books: Books
) -> dict[str, Any]:
    ensure_owner(principal, uscc)
    opened = await books.open(uscc)
    record = opened.book.change(change_id) if opened else None
    if record is None:
        raise not_found("没有这项目录调整申请")
    return catalog_views.change(uscc, record)


@router.post(f"{BASE}/changes/{{change_id}}/accept", summary="市鉴定中心通过目录调整（即时生效）")
async def accept_change(
    uscc: Uscc, change_id: ChangeId, principal: Reviewer, books: Books, parts: Container
) -> dict[str, Any]:
    record = await catalog_changes.accept(
        books=books,
        caller=caller_of(principal),
        uscc=uscc,
        change_id=change_id,
        on=today(parts.settings),
    )
    return catalog_views.change(uscc, record)


@router.post(f"{BASE}/changes/{{change_id}}/reject", summary="市鉴定中心不予通过目录调整")
async def reject_change(
    uscc: Uscc,
    change_id: ChangeId,
    form: catalog_change_forms.RejectForm,
    principal: Reviewer,
    books: Books,
    parts: Container,
) -> dict[str, Any]:
    record = await catalog_changes.reject(
        books=books,
        caller=caller_of(principal),
        uscc=uscc,
        change_id=change_id,
        form=form,
        on=today(parts.settings),
    )
    return catalog_views.change(uscc, record)


@router.get("/api/v1/catalog-changes", summary="待审核的目录调整申请（工作人员）")
async def pending_changes(principal: StaffPrincipal, books: Books) -> dict[str, Any]:
    items = [
        catalog_views.change(book.uscc, record)
        for book in await books.with_pending_changes()
        for record in book.changes
        if record.state is ReviewState.SUBMITTED
    ]
    return {"items": sorted(items, key=lambda item: item["submitted_at"])}
