"""委托评价: agreements filed by a trustee enterprise, reviewed by the city centre."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request, status
from fastapi.responses import StreamingResponse

from skilleval_filing.clock import today
from skilleval_filing.entrustments import records as entrustment_records
from skilleval_filing.entrustments import schemas as entrustment_forms
from skilleval_filing.entrustments import service as entrustments
from skilleval_filing.entrustments.schemas import EntrustmentList, EntrustmentView
from skilleval_filing.review import ReviewState
from skilleval_filing.web import (
    Books,
    Container,
    EnterpriseOrStaff,
    EnterprisePrincipal,
    Reviewer,
    caller_of,
)
from skilleval_shared.file_types import JPEG, PDF, PNG
from skilleval_shared.problems import not_found
from skilleval_shared.storage.aggregates import AggregateStore
from skilleval_shared.web.errors import DomainErrorRoute
from skilleval_shared.web.multipart import FIELD, bounded_form, upload_body_schema
from skilleval_shared.web.uploads import checked_upload

router = APIRouter(tags=["entrustments"], route_class=DomainErrorRoute)
BASE = "/api/v1/entrustments"
AGREEMENT_TYPES = (PDF, JPEG, PNG)
TERMS_FIELD = "agreement"
TERMS_MAX_LENGTH = 100_000
EntrustmentId = Annotated[str, Path(title="委托评价协议编号", max_length=64)]


def entrustment_store(parts: Container) -> AggregateStore:
    return parts.runtime.store(entrustment_records.KIND)


Store = Annotated[AggregateStore, Depends(entrustment_store)]


@router.post(
    BASE,
    status_code=status.HTTP_201_CREATED,
    summary="受托企业报送委托评价协议（含协议文件）备案",
    description=f"multipart/form-data：字段 `{TERMS_FIELD}` 为协议内容（JSON），"
    f"字段 `{FIELD}` 为协议文件（PDF、JPEG、PNG）。",
    openapi_extra=upload_body_schema(
        "委托评价协议文件（PDF、JPEG、PNG）",
        {TERMS_FIELD: ("协议内容（JSON）", TERMS_MAX_LENGTH)},
    ),
    response_model=EntrustmentView,
)
async def submit_entrustment(
    request: Request,
    principal: EnterprisePrincipal,
    store: Store,
    books: Books,
    parts: Container,
) -> dict[str, Any]:
    limit_bytes = parts.settings.max_upload_bytes
    async with bounded_form(
        request, limit_bytes=limit_bytes, text_fields={TERMS_FIELD: TERMS_MAX_LENGTH}
    ) as form:
        terms = entrustment_forms.parse_terms(form.text[TERMS_FIELD])
        upload = await checked_upload(
            form.file,
            allowed=AGREEMENT_TYPES,
            limit_bytes=limit_bytes,
            field=FIELD,
            fallback_stem="entrustment-agreement",
        )
    on = today(parts.settings)
    record = await entrustments.submit(
        store=store,
        books=books,
        files=parts.files,
        caller=caller_of(principal),
        terms=terms,
        upload=upload,
        on=on,
    )
    return entrustment_records.view(record, on)


@router.get(
    BASE,
    summary="查看委托评价协议列表（企业看本企业参与的，工作人员看全部）",
    response_model=EntrustmentList,
)
async def list_entrustments(
    principal: EnterpriseOrStaff,
    store: Store,
    parts: Container,
    status: Annotated[ReviewState | None, Query(title="审核状态")] = None,
) -> dict[str, Any]:
    on = today(parts.settings)
    records = await entrustment_records.listed(store, caller_of(principal), status)
    return {"items": [entrustment_records.view(record, on) for record in records]}


@router.get(
    f"{BASE}/{{entrustment_id}}", summary="查看一份委托评价协议", response_model=EntrustmentView
)
async def get_entrustment(
    entrustment_id: EntrustmentId, principal: EnterpriseOrStaff, store: Store, parts: Container
) -> dict[str, Any]:
    record = await entrustment_records.load_visible(store, entrustment_id, caller_of(principal))
    return entrustment_records.view(record, today(parts.settings))


@router.get(f"{BASE}/{{entrustment_id}}/agreement", summary="下载委托评价协议文件")
async def download_agreement(
    entrustment_id: EntrustmentId, principal: EnterpriseOrStaff, store: Store, parts: Container
) -> StreamingResponse:
    record = await entrustment_records.load_visible(store, entrustment_id, caller_of(principal))
    stored = await parts.files.get(record.file.file_id)
    if stored is None:
        raise not_found("协议文件不存在")
    chunks: AsyncIterator[bytes] = parts.files.stream(stored)
    disposition = f"attachment; filename*=UTF-8''{quote(stored.filename)}"
    return StreamingResponse(
        chunks,
        media_type=stored.content_type,
        headers={
            "Content-Disposition": disposition,
            "Content-Length": str(stored.size_bytes),
            "X-Content-Type-Options": "nosniff",
            "X-Content-SHA256": stored.sha256,
        },
    )


@router.post(
    f"{BASE}/{{entrustment_id}}/accept",
    summary="市鉴定中心通过委托评价协议备案",
    response_model=EntrustmentView,
)
async def accept_entrustment(
    entrustment_id: EntrustmentId, principal: Reviewer, store: Store, books: Books, parts: Container
) -> dict[str, Any]:
    on = today(parts.settings)
    record = await entrustments.review(
        store=store,
        books=books,
        caller=caller_of(principal),
        entrustment_id=entrustment_id,
        accept=True,
        on=on,
    )
    return entrustment_records.view(record, on)


@router.post(
    f"{BASE}/{{entrustment_id}}/reject",
    summary="市鉴定中心不予通过委托评价协议",
    response_model=EntrustmentView,
)
async def reject_entrustment(
    entrustment_id: EntrustmentId,
    form: entrustment_forms.RejectForm,
    principal: Reviewer,
    store: Store,
    books: Books,
    parts: Container,
) -> dict[str, Any]:
    on = today(parts.settings)
    record = await entrustments.review(
        store=store,
        books=books,
        caller=caller_of(principal),
        entrustment_id=entrustment_id,
        accept=False,
        reason=form.reason,
        on=on,
    )
    return entrustment_records.view(record, on)
