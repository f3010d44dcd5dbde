"""Certificate lookup: the public page at ``/`` (works without JavaScript) and the JSON API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from skilleval_registry.lookup.schemas import (
    AuditEntry,
    CertificateList,
    CertificateNumberText,
    CertificateView,
    NameText,
    NumberQuery,
    PersonQuery,
)
from skilleval_registry.lookup.service import PublicLookup
from skilleval_registry.web import client_of, limit_of, page, page_limited, too_many
from skilleval_shared.auth import StaffPrincipal
from skilleval_shared.domain_errors import NotFound
from skilleval_shared.web.errors import DomainErrorRoute

NOT_FOUND = "未查询到"
router = APIRouter(route_class=DomainErrorRoute)


def _lookup(request: Request) -> PublicLookup:
    lookup: PublicLookup = request.app.state.lookup
    return lookup


@router.get(
    "/api/v1/public/certificates/{number}",
    tags=["public"],
    summary="按证书编号和姓名查询证书",
    response_model=CertificateView,
)
async def certificate_by_number(
    number: Annotated[CertificateNumberText, Path(title="证书编号")],
    name: Annotated[NameText, Query(title="姓名")],
    request: Request,
) -> CertificateView:
    limit_of(request).check_api(request)
    found = await _lookup(request).by_number(
        number=number, name=name, client=client_of(request), channel="api"
    )
    if not found:
        raise NotFound(NOT_FOUND)
    return CertificateView.model_validate(found[0])


@router.post(
    "/api/v1/public/certificates/search",
    tags=["public"],
    summary="按证件号码和姓名查询证书",
    response_model=CertificateList,
)
async def certificates_of_person(query: PersonQuery, request: Request) -> CertificateList:
    limit_of(request).check_api(request)
    found = await _lookup(request).by_person(
        id_number=query.id_number, name=query.name, client=client_of(request), channel="api"
    )
    if not found:
        raise NotFound(NOT_FOUND)
    return CertificateList.model_validate({"certificates": found})


@router.get(
    "/api/v1/audit/lookups",
    tags=["audit"],
    summary="公开查询审计日志（最新在前，证件号码已脱敏）",
    response_model=list[AuditEntry],
)
async def audit_log(
    request: Request,
    staff: StaffPrincipal,
    limit: Annotated[int, Query(title="条数", ge=1, le=1000)] = 100,
) -> list[AuditEntry]:
    entries = await _lookup(request).audit.latest(limit)
    return [AuditEntry.model_validate(entry | {"id": entry["_id"]}) for entry in entries]


@router.get("/", response_class=HTMLResponse, summary="证书查询页面", include_in_schema=False)
async def home(request: Request) -> HTMLResponse:
    return page_limited(request) or page(request, "index.html", searched=False)


@router.post("/lookup/number", response_class=HTMLResponse, include_in_schema=False)
async def lookup_number_page(
    request: Request,
    certificate_number: Annotated[str, Form(max_length=64)] = "",
    name: Annotated[str, Form(max_length=100)] = "",
) -> HTMLResponse:
    context: dict[str, Any] = {"searched": True, "number": certificate_number, "number_name": name}
    if (wait := limit_of(request).retry_after(request)) is not None:
        return too_many(request, wait)
    try:
        query = NumberQuery.model_validate({"number": certificate_number, "name": name})
    except ValidationError as error:
        return page(request, "index.html", status_code=422, error=_first(error), **context)
    found = await _lookup(request).by_number(
        number=query.number, name=query.name, client=client_of(request), channel="page"
    )
    return page(request, "index.html", certificates=found, **context)


@router.post("/lookup/person", response_class=HTMLResponse, include_in_schema=False)
async def lookup_person_page(
    request: Request,
    id_number: Annotated[str, Form(max_length=64)] = "",
    name: Annotated[str, Form(max_length=100)] = "",
) -> HTMLResponse:
    context: dict[str, Any] = {"searched": True, "person_name": name}
    if (wait := limit_of(request).retry_after(request)) is not None:
        return too_many(request, wait)
    try:
        query = PersonQuery.model_validate({"id_number": id_number, "name": name})
    except ValidationError as error:
        return page(request, "index.html", status_code=422, error=_first(error), **context)
    found = await _lookup(request).by_person(
        id_number=query.id_number, name=query.name, client=client_of(request), channel="page"
    )
    return page(request, "index.html", certificates=found, **context)


def _first(error: ValidationError) -> str:
    message = str(error.errors(include_url=False, include_input=False)[0]["msg"])
    return message.removeprefix("Value error, ")
