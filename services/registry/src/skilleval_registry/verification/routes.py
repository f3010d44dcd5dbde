"""The address in a certificate's QR code (``/verify?s=<JWS>``: certification publishes this
address with its signing key) and its JSON twin."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from skilleval_registry.lookup.model import LookupKind
from skilleval_registry.lookup.service import AuditLog
from skilleval_registry.talent.model import public_view
from skilleval_registry.verification.model import Verdict
from skilleval_registry.verification.schemas import VerificationView
from skilleval_registry.verification.service import MAX_TOKEN, Verification, Verifier
from skilleval_registry.web import LIMITED_PAGE, client_of, limit_of, page, too_many
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(route_class=DomainErrorRoute)
Token = Annotated[
    str, Query(alias="s", title="二维码中的证书签名 (JWS)", min_length=1, max_length=MAX_TOKEN)
]


async def _verify(request: Request, token: str, channel: str) -> Verification:
    verifier: Verifier = request.app.state.verifier
    audit: AuditLog = request.app.state.audit
    result = await verifier.verify(token=token)
    audit.add(
        kind=LookupKind.QR,
        channel=channel,
        client=client_of(request),
        found=int(result.record is not None),
        certificate_number=result.certificate_number,
        outcome=result.verdict.value,
    )
    return result


def _shown(result: Verification) -> dict[str, str | int] | None:
    """The record is shown only when the QR is genuine."""
    if result.record is None or result.verdict is Verdict.FORGED:
        return None
    return public_view(result.record["_id"], result.record)


@router.get(
    "/api/v1/public/verify",
    tags=["public"],
    summary="验证证书二维码",
    response_model=VerificationView,
)
async def verify_api(token: Token, request: Request) -> VerificationView:
    limit_of(request).check_api(request)
    result = await _verify(request, token, "api")
    return VerificationView(
        verdict=result.verdict.value,
        verdict_title=result.verdict.label,
        explanation=result.verdict.explanation,
        certificate=_shown(result),
    )


# certification's default verification address (CERTIFICATE_VERIFICATION_URL) is the second.
@router.get(
    "/verify", response_class=HTMLResponse, summary="证书二维码验证页面", responses=LIMITED_PAGE
)
@router.get(
    "/public/certificates/verify",
    response_class=HTMLResponse,
    summary="证书二维码验证页面",
    responses=LIMITED_PAGE,
)
async def verify_page(token: Token, request: Request) -> HTMLResponse:
    if (wait := limit_of(request).retry_after(request)) is not None:
        return too_many(request, wait)
    result = await _verify(request, token, "page")
    return page(request, "verify.html", verdict=result.verdict, certificate=_shown(result))
