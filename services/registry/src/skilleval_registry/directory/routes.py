from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from skilleval_registry.directory.model import level_titles
from skilleval_registry.directory.schemas import Institution
from skilleval_registry.directory.service import Directory
from skilleval_registry.web import LIMITED_PAGE, page, page_limited
from skilleval_shared.domain_errors import NotFound
from skilleval_shared.validation import USCC
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(route_class=DomainErrorRoute)

PUBLIC_FIELDS = (
    "name",
    "short_name",
    "address",
    "institution_code",
    "institution_serial",
    "receipt_number",
    "filed_on",
    "catalog_version",
    "status",
    "status_note",
)
STATUS_TITLES = {
    "filed": "已备案",
    "suspended": "暂停评价",
    "revoked": "已取消评价资质",
    "lapsed": "备案已失效",
}
NameQuery = Annotated[str, Query(title="机构名称（包含）", max_length=100)]
OccupationQuery = Annotated[str, Query(title="职业编码、职业或工种名称（包含）", max_length=100)]


def _directory(request: Request) -> Directory:
    directory: Directory = request.app.state.directory
    return directory


def _public(document: dict[str, Any]) -> Institution:
    catalog = [
        entry | {"level_titles": level_titles(entry.get("levels", []))}
        for entry in document.get("catalog") or []
    ]
    return Institution.model_validate(
        {"uscc": document["_id"], **{key: document.get(key) for key in PUBLIC_FIELDS}}
        | {"catalog": catalog, "status_title": STATUS_TITLES.get(document.get("status", ""))}
    )


@router.get(
    "/api/v1/public/institutions",
    tags=["public"],
    summary="评价机构目录（含暂停、取消资质、失效的机构及其状态；可按名称、职业检索）",
    response_model=list[Institution],
)
async def list_institutions(
    request: Request, name: NameQuery = "", occupation: OccupationQuery = ""
) -> list[Institution]:
    found = await _directory(request).search(name=name.strip(), occupation=occupation.strip())
    return [_public(item) for item in found]


@router.get(
    "/api/v1/public/institutions/{uscc}",
    tags=["public"],
    summary="评价机构详情",
    response_model=Institution,
)
async def get_institution(
    uscc: Annotated[USCC, Path(title="统一社会信用代码")], request: Request
) -> Institution:
    found = await _directory(request).get(uscc)
    if found is None:
        raise NotFound("未找到该评价机构")
    return _public(found)


@router.get(
    "/institutions",
    response_class=HTMLResponse,
    summary="评价机构目录页面",
    responses=LIMITED_PAGE,
)
async def institutions_page(
    request: Request, name: NameQuery = "", occupation: OccupationQuery = ""
) -> HTMLResponse:
    if (refused := page_limited(request)) is not None:
        return refused
    found = await _directory(request).search(name=name.strip(), occupation=occupation.strip())
    return page(
        request,
        "institutions.html",
        institutions=[_public(item) for item in found],
        name=name,
        occupation=occupation,
    )
