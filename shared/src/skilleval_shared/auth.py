"""EdDSA (Ed25519) JWTs: filing issues them, every service verifies them and enforces roles.

The app factory puts a ``TokenVerifier`` on ``app.state.token_verifier``; handlers then declare
``principal: CurrentPrincipal`` or ``Depends(require_roles(Role.CITY_CENTER))``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from skilleval_shared.problems import forbidden, unauthorized
from skilleval_shared.settings import Settings
from skilleval_shared.validation import USCC

ALGORITHM = "EdDSA"
_REQUIRED_CLAIMS = ["iss", "sub", "iat", "exp", "role"]


class Role(StrEnum):
    ENTERPRISE = "enterprise"
    CITY_CENTER = "city_center"
    PROVINCE_CENTER = "province_center"
    ADMIN = "admin"


STAFF_ROLES = frozenset({Role.CITY_CENTER, Role.PROVINCE_CENTER, Role.ADMIN})


class Principal(BaseModel):
    """Who is calling: an enterprise account (with its USCC) or a staff account."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    subject: str = Field(min_length=1, description="account id")
    role: Role
    uscc: USCC | None = None
    name: str = ""

    @model_validator(mode="after")
    def _enterprise_has_uscc(self) -> Principal:
        if self.role is Role.ENTERPRISE and self.uscc is None:
            raise ValueError("企业账号缺少统一社会信用代码")
        return self

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _private_key(pem: str | bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(_as_bytes(pem), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the JWT private key must be an Ed25519 key")
    return key


def _public_key(pem: str | bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(_as_bytes(pem))
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("the JWT public key must be an Ed25519 key")
    return key


def _as_bytes(pem: str | bytes) -> bytes:
    return pem.encode("ascii") if isinstance(pem, str) else pem


def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _thumbprint(key: Ed25519PublicKey) -> str:
    # RFC 7638: the required members in lexicographic order, no whitespace.
    members = {"crv": "Ed25519", "kty": "OKP", "x": _b64url(_raw(key))}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True)
    return _b64url(hashlib.sha256(canonical.encode("ascii")).digest())


def key_id(public_key_pem: str | bytes) -> str:
    """The RFC 7638 JWK thumbprint of a public key, used as ``kid``."""
    return _thumbprint(_public_key(public_key_pem))


def jwks(public_key_pem: str | bytes) -> dict[str, list[dict[str, str]]]:
    """A JWK set (RFC 8037 OKP key) holding the token-signing public key."""
    key = _public_key(public_key_pem)
    jwk = {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": _b64url(_raw(key)),
        "kid": _thumbprint(key),
        "use": "sig",
        "alg": ALGORITHM,
    }
    return {"keys": [jwk]}


class TokenIssuer:
    """Signs access tokens for principals (used by the filing service only)."""

    def __init__(
        self,
        private_key_pem: str | bytes,
        issuer: str,
        ttl_seconds: int = 3600,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        self._key = _private_key(private_key_pem)
        self._kid = _thumbprint(self._key.public_key())
        self._issuer = issuer
        self._ttl_seconds = ttl_seconds
        self._clock = clock

    def issue(self, principal: Principal) -> str:
        now = int(self._clock())
        claims: dict[str, Any] = {
            "iss": self._issuer,
            "sub": principal.subject,
            "iat": now,
            "nbf": now,
            "exp": now + self._ttl_seconds,
            "jti": uuid.uuid4().hex,
            "role": principal.role.value,
            "name": principal.name,
        }
        if principal.uscc is not None:
            claims["uscc"] = principal.uscc
        return jwt.encode(claims, self._key, algorithm=ALGORITHM, headers={"kid": self._kid})


class TokenVerifier:
    """Checks signature, algorithm, issuer and lifetime; gives the ``Principal`` or a 401."""

    def __init__(self, public_key_pem: str | bytes, issuer: str, *, leeway_seconds: int = 30):
        self._key = _public_key(public_key_pem)
        self._issuer = issuer
        self._leeway_seconds = leeway_seconds

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],  # never "none", never HS*: no algorithm confusion
                issuer=self._issuer,
                leeway=self._leeway_seconds,
                options={"require": _REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError:
            raise unauthorized("登录已过期，请重新登录") from None
        except jwt.InvalidTokenError:
            raise unauthorized("登录凭证无效") from None
        try:
            return Principal(
                subject=claims["sub"],
                role=claims["role"],
                uscc=claims.get("uscc"),
                name=claims.get("name", ""),
            )
        except ValidationError:
            raise unauthorized("登录凭证内容不完整") from None


def _read_key_file(path: Path | None, variable: str) -> str:
    if path is None:
        raise RuntimeError(f"{variable} is not set")
    return path.read_text(encoding="ascii")


def load_public_key(settings: Settings) -> str:
    """The PEM text of the token-verification key named by ``JWT_PUBLIC_KEY_FILE``."""
    return _read_key_file(settings.jwt_public_key_file, "JWT_PUBLIC_KEY_FILE")


def load_private_key(settings: Settings) -> str:
    """The PEM text of the token-signing key named by ``JWT_PRIVATE_KEY_FILE``."""
    return _read_key_file(settings.jwt_private_key_file, "JWT_PRIVATE_KEY_FILE")


def verifier_from_settings(settings: Settings) -> TokenVerifier:
    return TokenVerifier(load_public_key(settings), settings.jwt_issuer)


def issuer_from_settings(settings: Settings) -> TokenIssuer:
    return TokenIssuer(load_private_key(settings), settings.jwt_issuer, settings.jwt_ttl_seconds)


_bearer = HTTPBearer(auto_error=False, description="由备案服务签发的访问令牌")


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The verified caller, from ``Authorization: Bearer <token>``; 401 otherwise."""
    if credentials is None or not credentials.credentials:
        raise unauthorized("缺少登录凭证")
    verifier = getattr(request.app.state, "token_verifier", None)
    if not isinstance(verifier, TokenVerifier):
        raise RuntimeError("app.state.token_verifier is not set")
    principal = verifier.verify(credentials.credentials)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency admitting only callers with one of ``roles`` (401 anonymous, 403 others)."""
    if not roles:
        raise ValueError("require_roles needs at least one role")
    allowed = frozenset(roles)

    async def principal_with_role(principal: CurrentPrincipal) -> Principal:
        if principal.role not in allowed:
            raise forbidden("当前账号的角色无权执行此操作")
        return principal

    return principal_with_role


EnterprisePrincipal = Annotated[Principal, Depends(require_roles(Role.ENTERPRISE))]
StaffPrincipal = Annotated[Principal, Depends(require_roles(*STAFF_ROLES))]
AdminPrincipal = Annotated[Principal, Depends(require_roles(Role.ADMIN))]


def ensure_owner(principal: Principal, uscc: str) -> None:
    """Forbid an enterprise from touching another enterprise's data; staff always pass."""
    if principal.is_staff:
        return
    if principal.uscc is None or principal.uscc != uscc.strip().upper():
        raise forbidden("无权访问其他企业的数据")
