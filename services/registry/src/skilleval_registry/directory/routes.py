from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from skilleval_registry.directory.schemas import Institution
from skilleval_registry.directory.service import Directory
from skilleval_shared.domain_errors import NotFound
from skilleval_shared.validation import USCC
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(prefix="/api/v1/public", tags=["public"], route_class=DomainErrorRoute)

PUBLIC_FIELDS = ("name", "short_name", "address", "receipt_number", "filed_on", "catalog", "status")


def _directory(request: Request) -> Directory:
    directory: Directory = request.app.state.directory
    return directory


def _public(document: dict[str, Any]) -> Institution:
    return Institution.model_validate(
        {"uscc": document["_id"], **{key: document.get(key) for key in PUBLIC_FIELDS}}
    )


@router.get("/institutions", summary="已备案评价机构目录", response_model=list[Institution])
async def list_institutions(request: Request) -> list[Institution]:
    return [_public(item) for item in await _directory(request).filed.get()]


@router.get("/institutions/{uscc}", summary="评价机构详情", response_model=Institution)
async def get_institution(
    uscc: Annotated[USCC, Path(title="统一社会信用代码")], request: Request
) -> Institution:
    found = await _directory(request).get(uscc)
    if found is None:
        raise NotFound("未找到该评价机构")
    return _public(found)
