"""Accounts: enterprise self-registration, login, the caller's identity, and the JWKS."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, status

from skilleval_filing.accounts import service as accounts
from skilleval_filing.components import FilingContainer, container
from skilleval_shared.auth import CurrentPrincipal, jwks
from skilleval_shared.problems import ServiceUnavailable

router = APIRouter(tags=["accounts"])
Container = Annotated[FilingContainer, Depends(container)]


async def auth_attempt_quota(request: Request) -> None:
    """Per client address: password guessing and mass registration are refused with a 429."""
    await container(request).auth_attempts(request)


AuthAttempt = Depends(auth_attempt_quota)


@router.post(
    "/api/v1/enterprises",
    status_code=status.HTTP_201_CREATED,
    summary="企业注册账号（以统一社会信用代码为准，一码一号）",
    dependencies=[AuthAttempt],
)
async def register_enterprise(
    form: accounts.EnterpriseRegistration, parts: Container
) -> dict[str, Any]:
    principal = await accounts.register_enterprise(parts.accounts, form)
    return {"uscc": principal.uscc, "enterprise_name": principal.name}


@router.post("/api/v1/auth/token", summary="登录，获取访问令牌", dependencies=[AuthAttempt])
async def login(form: accounts.Login, request: Request, parts: Container) -> dict[str, Any]:
    if parts.issuer is None:
        raise ServiceUnavailable("登录服务未配置签名密钥")
    client = request.client.host if request.client else "unknown"
    principal = await accounts.authenticate(parts.accounts, form, parts.login_throttle, client)
    return accounts.issue_token(parts.issuer, principal, parts.settings.jwt_ttl_seconds)


@router.get("/api/v1/me", summary="当前登录账号")
async def me(principal: CurrentPrincipal) -> dict[str, Any]:
    return principal.model_dump(mode="json")


@router.get("/.well-known/jwks.json", summary="令牌验签公钥（JWKS）")
async def public_keys(parts: Container) -> dict[str, Any]:
    if parts.public_key_pem is None:
        raise ServiceUnavailable("未配置验签公钥")
    return jwks(parts.public_key_pem)
