"""Accounts: enterprise self-registration, login, the caller's identity, and the JWKS."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, status

from skilleval_filing.accounts import service
from skilleval_filing.accounts.schemas import (
    EnterpriseRegistration,
    Jwks,
    Login,
    Me,
    Registered,
    Token,
)
from skilleval_filing.container import container_of
from skilleval_filing.web import Container
from skilleval_shared.auth import CurrentPrincipal, Principal, Role, jwks
from skilleval_shared.domain_errors import Unavailable
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(tags=["accounts"], route_class=DomainErrorRoute)


async def auth_attempt_quota(request: Request) -> None:
    """Per client address: password guessing and mass registration are refused with a 429."""
    await container_of(request).auth_attempts(request)


AuthAttempt = Depends(auth_attempt_quota)


@router.post(
    "/api/v1/enterprises",
    status_code=status.HTTP_201_CREATED,
    summary="企业注册账号（以统一社会信用代码为准，一码一号）",
    dependencies=[AuthAttempt],
    response_model=Registered,
)
async def register_enterprise(form: EnterpriseRegistration, container: Container) -> Registered:
    account = await service.register_enterprise(
        accounts=container.accounts, **form.model_dump(exclude_none=True)
    )
    return Registered(uscc=form.uscc, enterprise_name=account.display_name)


@router.post(
    "/api/v1/auth/token",
    summary="登录，获取访问令牌",
    dependencies=[AuthAttempt],
    response_model=Token,
)
async def login(form: Login, request: Request, container: Container) -> Token:
    if container.issuer is None:
        raise Unavailable("登录服务未配置签名密钥")
    account = await service.authenticate(
        accounts=container.accounts,
        username=form.username,
        password=form.password,
        throttle=container.login_throttle,
        client=request.client.host if request.client else "unknown",
    )
    principal = Principal(
        subject=account.subject,
        role=Role(account.actor.value),
        uscc=account.uscc,
        name=account.display_name,
    )
    return Token(
        access_token=container.issuer.issue(principal),
        token_type="bearer",
        expires_in=container.settings.jwt_ttl_seconds,
        role=principal.role.value,
        name=principal.name,
    )


@router.get("/api/v1/me", summary="当前登录账号", response_model=Me)
async def me(principal: CurrentPrincipal) -> Me:
    return Me.model_validate(principal.model_dump(mode="json"))


@router.get("/.well-known/jwks.json", summary="令牌验签公钥（JWKS）", response_model=Jwks)
async def public_keys(container: Container) -> Jwks:
    if container.public_key_pem is None:
        raise Unavailable("未配置验签公钥")
    return Jwks.model_validate(jwks(container.public_key_pem))
