"""照片 and 证明材料: uploaded by the plan's enterprise (size and type judged from the bytes),
downloaded by it and by staff."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from fastapi.responses import StreamingResponse

from skilleval_assessment.files import service
from skilleval_assessment.files.schemas import UploadedFile
from skilleval_assessment.files.service import Purpose
from skilleval_assessment.plans.service import get as get_plan
from skilleval_assessment.web import Container, Enterprise, EnterpriseOrStaff, owner_of
from skilleval_shared.web.errors import DomainErrorRoute
from skilleval_shared.web.multipart import FIELD, single_file, upload_body_schema
from skilleval_shared.web.uploads import checked_upload, download_headers

router = APIRouter(prefix="/api/v1", tags=["files"], route_class=DomainErrorRoute)


@router.post(
    "/plans/{plan_id}/files/{purpose}",
    status_code=status.HTTP_201_CREATED,
    summary="上传照片（JPEG、PNG）或证明材料（PDF、JPEG、PNG），按文件内容识别类型",
    description=(
        f"multipart/form-data，字段 `{FIELD}`。答复中的 SHA-256 用于报名（照片、破格依据）"
        "或登记成绩（直接认定证明材料）。"
    ),
    openapi_extra=upload_body_schema("照片或证明材料文件"),
    response_model=UploadedFile,
)
async def upload(
    plan_id: str, purpose: Purpose, request: Request, principal: Enterprise, parts: Container
) -> UploadedFile:
    await get_plan(plans=parts.plans, plan_id=plan_id, owner=owner_of(principal))
    limit = (
        parts.settings.max_photo_bytes
        if purpose is Purpose.PHOTO
        else (parts.settings.max_evidence_bytes)
    )
    async with single_file(request, limit_bytes=limit) as form_file:
        checked = await checked_upload(
            form_file,
            allowed=purpose.allowed,
            limit_bytes=limit,
            field=FIELD,
            fallback_stem=purpose.value,
        )
    stored = await service.upload(
        plans=parts.plans,
        files=parts.files,
        uscc=owner_of(principal) or "",
        plan_id=plan_id,
        checked=checked,
    )
    return UploadedFile(
        purpose=purpose.value,
        filename=stored.filename,
        content_type=stored.content_type,
        size_bytes=stored.size_bytes,
        sha256=stored.sha256,
    )


@router.get(
    "/plans/{plan_id}/files/{sha256}",
    summary="下载照片或证明材料（本企业或工作人员）",
    response_class=StreamingResponse,
)
async def download(
    plan_id: str, sha256: str, principal: EnterpriseOrStaff, parts: Container
) -> StreamingResponse:
    found = await service.find(
        plans=parts.plans,
        files=parts.files,
        owner=owner_of(principal),
        plan_id=plan_id,
        sha256=sha256,
    )
    return StreamingResponse(
        parts.files.stream(found), media_type=found.content_type, headers=download_headers(found)
    )
