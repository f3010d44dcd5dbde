from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from skilleval_registry.directory import Directory
from skilleval_shared.problems import not_found
from skilleval_shared.validation import USCC

router = APIRouter(prefix="/api/v1/public", tags=["public"])

PUBLIC_FIELDS = ("name", "short_name", "address", "receipt_number", "filed_on", "catalog", "status")


def _directory(request: Request) -> Directory:
    directory: Directory = request.app.state.directory
    return directory


def _public(document: dict[str, Any]) -> dict[str, Any]:
    return {"uscc": document["_id"], **{key: document.get(key) for key in PUBLIC_FIELDS}}


@router.get("/institutions", summary="已备案评价机构目录")
async def list_institutions(request: Request) -> list[dict[str, Any]]:
    return [_public(item) for item in await _directory(request).filed.get()]


@router.get("/institutions/{uscc}", summary="评价机构详情")
async def get_institution(
    uscc: Annotated[USCC, Path(title="统一社会信用代码")], request: Request
) -> dict[str, Any]:
    found = await _directory(request).get(uscc)
    if found is None:
        raise not_found("未找到该评价机构")
    return _public(found)
