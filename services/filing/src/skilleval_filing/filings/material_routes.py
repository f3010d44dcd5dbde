"""The ten 附件2 materials: uploaded by the enterprise, downloaded by it and by staff."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from skilleval_filing.filings import material_service as materials
from skilleval_filing.filings import service as filings
from skilleval_filing.filings.access import accessible_filing_id
from skilleval_filing.filings.materials import MaterialKind
from skilleval_filing.filings.schemas import MaterialUploaded, material_view
from skilleval_filing.web import Container, EnterpriseOrStaff, EnterprisePrincipal, caller_of
from skilleval_shared.file_types import ACCEPTED
from skilleval_shared.web.errors import DomainErrorRoute
from skilleval_shared.web.multipart import FIELD, single_file, upload_body_schema
from skilleval_shared.web.uploads import checked_upload, download_headers

router = APIRouter(route_class=DomainErrorRoute)
_TYPES = "、".join(file_type.name for file_type in ACCEPTED)


@router.put(
    "/{filing_id}/materials/{kind}",
    summary="上传或替换一项备案材料（附件2）",
    description=f"multipart/form-data，字段 `{FIELD}`；接受 {_TYPES}，按文件内容识别类型。",
    openapi_extra=upload_body_schema(f"材料文件（{_TYPES}）"),
    response_model=MaterialUploaded,
)
async def upload_material(
    filing_id: str,
    kind: MaterialKind,
    request: Request,
    principal: EnterprisePrincipal,
    container: Container,
) -> dict[str, Any]:
    caller = caller_of(principal)
    filing_id = accessible_filing_id(principal, filing_id)
    # Refuse a filing that cannot change before reading a possibly large body.
    await filings.editable(filings=container.filings, caller=caller, filing_id=filing_id)
    async with single_file(request, limit_bytes=container.settings.max_upload_bytes) as upload:
        checked = await checked_upload(
            upload,
            allowed=ACCEPTED,
            limit_bytes=container.settings.max_upload_bytes,
            field=FIELD,
            fallback_stem=f"material-{kind.number}",
        )
    material = await materials.attach_material(
        filings=container.filings,
        files=container.files,
        filing_id=filing_id,
        kind=kind,
        upload=checked,
        caller=caller,
    )
    return material_view(kind, material)


@router.get(
    "/{filing_id}/materials/{kind}",
    summary="下载备案材料（本企业或工作人员）",
    response_class=StreamingResponse,
)
async def download_material(
    filing_id: str, kind: MaterialKind, principal: EnterpriseOrStaff, container: Container
) -> StreamingResponse:
    found = await materials.material_file(
        filings=container.filings,
        files=container.files,
        filing_id=accessible_filing_id(principal, filing_id),
        kind=kind,
    )
    return StreamingResponse(
        container.files.stream(found),
        media_type=found.content_type,
        headers=download_headers(found),
    )
