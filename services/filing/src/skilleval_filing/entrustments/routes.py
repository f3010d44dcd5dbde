"""委托评价: agreements filed by a trustee enterprise, reviewed by the city centre."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request, status
from fastapi.responses import StreamingResponse

from skilleval_filing.clock import today
from skilleval_filing.container import FilingContainer
from skilleval_filing.entrustments import service
from skilleval_filing.entrustments.model import EntrustmentRecord
from skilleval_filing.entrustments.schemas import (
    EntrustmentList,
    EntrustmentView,
    RejectEntrustment,
    agreement_of,
    entrustment_view,
    parse_terms,
)
from skilleval_filing.review import ReviewState
from skilleval_filing.web import (
    Container,
    EnterpriseOrStaff,
    EnterprisePrincipal,
    Reviewer,
    caller_of,
)
from skilleval_shared.auth import Principal
from skilleval_shared.domain_errors import NotFound
from skilleval_shared.file_types import JPEG, PDF, PNG
from skilleval_shared.web.errors import DomainErrorRoute
from skilleval_shared.web.multipart import FIELD, bounded_form, single_file, upload_body_schema
from skilleval_shared.web.uploads import checked_upload

router = APIRouter(tags=["entrustments"], route_class=DomainErrorRoute)
BASE = "/api/v1/entrustments"
AGREEMENT_TYPES = (PDF, JPEG, PNG)
TERMS_FIELD = "agreement"
TERMS_MAX_LENGTH = 100_000
EntrustmentId = Annotated[str, Path(title="委托评价协议编号", max_length=64)]


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
    container: Container,
) -> dict[str, Any]:
    limit_bytes = container.settings.max_upload_bytes
    async with bounded_form(
        request, limit_bytes=limit_bytes, text_fields={TERMS_FIELD: TERMS_MAX_LENGTH}
    ) as form:
        terms = parse_terms(form.text[TERMS_FIELD])
        upload = await checked_upload(
            form.file,
            allowed=AGREEMENT_TYPES,
            limit_bytes=limit_bytes,
            field=FIELD,
            fallback_stem="entrustment-agreement",
        )
    on = today(container.settings)
    caller = caller_of(principal)
    assert caller.uscc is not None
    record = await service.submit(
        entrustments=container.entrustments,
        catalogs=container.catalogs,
        filings=container.filings,
        files=container.files,
        caller=caller,
        agreement=agreement_of(terms, caller.uscc, hashlib.sha256(upload.content).hexdigest()),
        upload=upload,
        on=on,
    )
    return entrustment_view(record, on)


@router.get(
    BASE,
    summary="查看委托评价协议列表（企业看本企业参与的，工作人员看全部）",
    response_model=EntrustmentList,
)
async def list_entrustments(
    principal: EnterpriseOrStaff,
    container: Container,
    status: Annotated[ReviewState | None, Query(title="审核状态")] = None,
) -> dict[str, Any]:
    on = today(container.settings)
    records = await service.listed(
        entrustments=container.entrustments, caller=caller_of(principal), status=status
    )
    return {"items": [entrustment_view(record, on) for record in records]}


async def _visible(
    container: FilingContainer, principal: Principal, entrustment_id: str
) -> EntrustmentRecord:
    """The agreement, if the caller is one of its parties or staff (else NotFound)."""
    return await service.visible(
        entrustments=container.entrustments,
        caller=caller_of(principal),
        entrustment_id=entrustment_id,
    )


@router.get(
    f"{BASE}/{{entrustment_id}}", summary="查看一份委托评价协议", response_model=EntrustmentView
)
async def get_entrustment(
    entrustment_id: EntrustmentId, principal: EnterpriseOrStaff, container: Container
) -> dict[str, Any]:
    record = await _visible(container, principal, entrustment_id)
    return entrustment_view(record, today(container.settings))


@router.get(f"{BASE}/{{entrustment_id}}/agreement", summary="下载委托评价协议文件")
async def download_agreement(
    entrustment_id: EntrustmentId, principal: EnterpriseOrStaff, container: Container
) -> StreamingResponse:
    record = await _visible(container, principal, entrustment_id)
    return await _download(container, record.file.file_id, "协议文件不存在")


@router.put(
    f"{BASE}/{{entrustment_id}}/plan",
    summary="受托企业上传评价实施方案（通过备案前必须上传）",
    description=f"multipart/form-data：字段 `{FIELD}` 为评价实施方案文件（PDF、JPEG、PNG）。",
    openapi_extra=upload_body_schema("评价实施方案文件（PDF、JPEG、PNG）"),
    response_model=EntrustmentView,
)
async def upload_plan(
    entrustment_id: EntrustmentId,
    request: Request,
    principal: EnterprisePrincipal,
    container: Container,
) -> dict[str, Any]:
    limit_bytes = container.settings.max_upload_bytes
    async with single_file(request, limit_bytes=limit_bytes) as file:
        upload = await checked_upload(
            file,
            allowed=AGREEMENT_TYPES,
            limit_bytes=limit_bytes,
            field=FIELD,
            fallback_stem="evaluation-plan",
        )
    record = await service.upload_plan(
        entrustments=container.entrustments,
        files=container.files,
        caller=caller_of(principal),
        entrustment_id=entrustment_id,
        upload=upload,
    )
    return entrustment_view(record, today(container.settings))


@router.get(f"{BASE}/{{entrustment_id}}/plan", summary="下载评价实施方案文件")
async def download_plan(
    entrustment_id: EntrustmentId, principal: EnterpriseOrStaff, container: Container
) -> StreamingResponse:
    record = await _visible(container, principal, entrustment_id)
    if record.plan is None:
        raise NotFound("尚未上传评价实施方案")
    return await _download(container, record.plan.file_id, "评价实施方案文件不存在")


async def _download(container: Any, file_id: str, missing: str) -> StreamingResponse:
    stored = await container.files.get(file_id)
    if stored is None:
        raise NotFound(missing)
    chunks: AsyncIterator[bytes] = container.files.stream(stored)
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
    entrustment_id: EntrustmentId, principal: Reviewer, container: Container
) -> dict[str, Any]:
    on = today(container.settings)
    record = await service.review(
        entrustments=container.entrustments,
        catalogs=container.catalogs,
        filings=container.filings,
        caller=caller_of(principal),
        entrustment_id=entrustment_id,
        accept=True,
        on=on,
    )
    return entrustment_view(record, on)


@router.post(
    f"{BASE}/{{entrustment_id}}/reject",
    summary="市鉴定中心不予通过委托评价协议",
    response_model=EntrustmentView,
)
async def reject_entrustment(
    entrustment_id: EntrustmentId,
    form: RejectEntrustment,
    principal: Reviewer,
    container: Container,
) -> dict[str, Any]:
    on = today(container.settings)
    record = await service.review(
        entrustments=container.entrustments,
        catalogs=container.catalogs,
        filings=container.filings,
        caller=caller_of(principal),
        entrustment_id=entrustment_id,
        accept=False,
        reason=form.reason,
        on=on,
    )
    return entrustment_view(record, on)
