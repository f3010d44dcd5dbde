from __future__ import annotations

import base64
import hmac
import json
import stat
import time
from collections.abc import AsyncIterator
from hashlib import sha256
from pathlib import Path
from typing import Annotated

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from fastapi import Depends, FastAPI
from pydantic import ValidationError

from skilleval_shared.auth import (
    CurrentPrincipal,
    Principal,
    Role,
    TokenIssuer,
    TokenVerifier,
    ensure_owner,
    jwks,
    key_id,
    load_private_key,
    load_public_key,
    require_roles,
)
from skilleval_shared.keygen import generate_keypair, main, write_keypair
from skilleval_shared.problems import Forbidden, Unauthorized, install_problem_handlers
from skilleval_shared.settings import Settings

ISSUER = "skilleval-filing"
USCC = "91350100M000100Y43"
OTHER_USCC = "91512081MA62K0260E"
PRIVATE_PEM, PUBLIC_PEM = generate_keypair()

ENTERPRISE = Principal(subject="acc-1", role=Role.ENTERPRISE, uscc=USCC, name="某某机械")
CITY_STAFF = Principal(subject="staff-1", role=Role.CITY_CENTER, name="王五")


def issuer(ttl_seconds: int = 600, clock_offset: float = 0) -> TokenIssuer:
    return TokenIssuer(PRIVATE_PEM, ISSUER, ttl_seconds, clock=lambda: time.time() + clock_offset)


def verifier() -> TokenVerifier:
    return TokenVerifier(PUBLIC_PEM, ISSUER)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims_of(token: str) -> dict[str, object]:
    return jwt.decode(token, options={"verify_signature": False})


def rejected(token: str) -> Unauthorized:
    with pytest.raises(Unauthorized) as caught:
        verifier().verify(token)
    return caught.value


# --- tokens ---


@pytest.mark.parametrize("principal", [ENTERPRISE, CITY_STAFF])
def test_issue_and_verify_roundtrip(principal: Principal) -> None:
    assert verifier().verify(issuer().issue(principal)) == principal


def test_token_header_and_claims() -> None:
    token = issuer(ttl_seconds=900).issue(ENTERPRISE)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA"
    assert header["kid"] == key_id(PUBLIC_PEM)
    claims = claims_of(token)
    assert claims["iss"] == ISSUER
    assert claims["sub"] == "acc-1"
    assert claims["role"] == "enterprise"
    assert claims["uscc"] == USCC
    assert claims["exp"] == claims["iat"] + 900  # type: ignore[operator]


def test_expired_token_is_rejected() -> None:
    token = issuer(ttl_seconds=60, clock_offset=-3600).issue(ENTERPRISE)
    assert rejected(token).detail == "登录已过期，请重新登录"


def test_tampered_token_is_rejected() -> None:
    header, payload, signature = issuer().issue(ENTERPRISE).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["role"] = "admin"
    forged = b64url(json.dumps(claims).encode())
    assert rejected(f"{header}.{forged}.{signature}").detail == "登录凭证无效"


def test_token_signed_by_another_key_is_rejected() -> None:
    other_private, _ = generate_keypair()
    token = TokenIssuer(other_private, ISSUER, 600).issue(ENTERPRISE)
    rejected(token)


def test_wrong_issuer_is_rejected() -> None:
    rejected(TokenIssuer(PRIVATE_PEM, "someone-else", 600).issue(ENTERPRISE))


def test_alg_none_is_rejected() -> None:
    claims = claims_of(issuer().issue(ENTERPRISE))
    claims["role"] = "admin"
    unsigned = jwt.encode(claims, None, algorithm="none")  # type: ignore[arg-type]
    rejected(unsigned)
    rejected(unsigned + "c2lnbmF0dXJl")


def test_hs256_signed_with_the_public_key_is_rejected() -> None:
    # The classic algorithm-confusion attack: HMAC keyed with the (public) verification key.
    claims = claims_of(issuer().issue(ENTERPRISE))
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64url(json.dumps(claims).encode())
    mac = hmac.new(PUBLIC_PEM.encode(), f"{header}.{payload}".encode(), sha256).digest()
    rejected(f"{header}.{payload}.{b64url(mac)}")


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "a.b"])
def test_malformed_tokens_are_rejected(token: str) -> None:
    rejected(token)


def test_token_without_role_is_rejected() -> None:
    key = serialization.load_pem_private_key(PRIVATE_PEM.encode(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    now = int(time.time())
    token = jwt.encode(
        {"iss": ISSUER, "sub": "x", "iat": now, "exp": now + 60}, key, algorithm="EdDSA"
    )
    rejected(token)
    enterprise_without_uscc = jwt.encode(
        {"iss": ISSUER, "sub": "x", "iat": now, "exp": now + 60, "role": "enterprise"},
        key,
        algorithm="EdDSA",
    )
    assert rejected(enterprise_without_uscc).detail == "登录凭证内容不完整"


def test_principal_rules() -> None:
    with pytest.raises(ValidationError):
        Principal(subject="a", role=Role.ENTERPRISE)
    with pytest.raises(ValidationError):
        Principal(subject="a", role=Role.ENTERPRISE, uscc="91350100M000100Y44")
    assert Principal(subject="a", role="admin").is_staff
    assert not ENTERPRISE.is_staff


def test_keys_of_other_types_are_refused() -> None:
    ec_pem = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    with pytest.raises(ValueError, match="Ed25519"):
        TokenIssuer(ec_pem, ISSUER, 60)


# --- ownership ---


def test_ensure_owner() -> None:
    ensure_owner(ENTERPRISE, USCC)
    ensure_owner(ENTERPRISE, USCC.lower())
    ensure_owner(CITY_STAFF, OTHER_USCC)
    with pytest.raises(Forbidden):
        ensure_owner(ENTERPRISE, OTHER_USCC)


# --- FastAPI dependencies ---


def build_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.state.token_verifier = verifier()

    @app.get("/me")
    async def me(principal: CurrentPrincipal) -> dict[str, str]:
        return {"subject": principal.subject, "role": principal.role}

    @app.get("/reviews")
    async def reviews(
        principal: Annotated[Principal, Depends(require_roles(Role.CITY_CENTER, Role.ADMIN))],
    ) -> dict[str, str]:
        return {"subject": principal.subject}

    @app.get("/enterprises/{uscc}/plans")
    async def plans(uscc: str, principal: CurrentPrincipal) -> dict[str, str]:
        ensure_owner(principal, uscc)
        return {"uscc": uscc}

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def bearer(principal: Principal) -> dict[str, str]:
    return {"Authorization": f"Bearer {issuer().issue(principal)}"}


async def test_current_principal(client: httpx.AsyncClient) -> None:
    response = await client.get("/me", headers=bearer(ENTERPRISE))
    assert response.status_code == 200
    assert response.json() == {"subject": "acc-1", "role": "enterprise"}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic dXNlcjpwdw=="},
        {"Authorization": "Bearer x.y.z"},
    ],
)
async def test_missing_or_bad_token_is_401(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.get("/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["title"] == "未登录或登录已过期"


async def test_role_dependency(client: httpx.AsyncClient) -> None:
    assert (await client.get("/reviews")).status_code == 401
    forbidden = await client.get("/reviews", headers=bearer(ENTERPRISE))
    assert forbidden.status_code == 403
    assert forbidden.json()["title"] == "无权访问"
    allowed = await client.get("/reviews", headers=bearer(CITY_STAFF))
    assert allowed.status_code == 200


async def test_enterprise_sees_only_its_own_data(client: httpx.AsyncClient) -> None:
    own = await client.get(f"/enterprises/{USCC}/plans", headers=bearer(ENTERPRISE))
    assert own.status_code == 200
    other = await client.get(f"/enterprises/{OTHER_USCC}/plans", headers=bearer(ENTERPRISE))
    assert other.status_code == 403
    staff = await client.get(f"/enterprises/{OTHER_USCC}/plans", headers=bearer(CITY_STAFF))
    assert staff.status_code == 200


def test_require_roles_needs_a_role() -> None:
    with pytest.raises(ValueError):
        require_roles()


# --- JWKS ---


def test_jwks_shape() -> None:
    document = jwks(PUBLIC_PEM)
    [key] = document["keys"]
    assert key["kty"] == "OKP"
    assert key["crv"] == "Ed25519"
    assert key["alg"] == "EdDSA"
    assert key["use"] == "sig"
    assert key["kid"] == key_id(PUBLIC_PEM)
    raw = base64.urlsafe_b64decode(key["x"] + "=" * (-len(key["x"]) % 4))
    assert len(raw) == 32
    # The JWK verifies tokens issued with the matching private key.
    public = jwt.PyJWK(key).key
    claims = jwt.decode(issuer().issue(ENTERPRISE), public, algorithms=["EdDSA"], issuer=ISSUER)
    assert claims["sub"] == "acc-1"


def test_key_id_matches_rfc_8037_example_thumbprint() -> None:
    # RFC 8037 appendix A.2 public key and A.3 thumbprint.
    x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    raw = base64.urlsafe_b64decode(x + "=")
    pem = Ed25519PublicKey.from_public_bytes(raw).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert key_id(pem) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


# --- key files ---


def test_keygen_writes_pem_files_with_safe_modes(tmp_path: Path) -> None:
    assert main([str(tmp_path / "keys")]) == 0
    private_path = tmp_path / "keys" / "jwt-private.pem"
    public_path = tmp_path / "keys" / "jwt-public.pem"
    assert stat.S_IMODE(private_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(public_path.stat().st_mode) == 0o644
    assert private_path.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert public_path.read_text().startswith("-----BEGIN PUBLIC KEY-----")

    settings = Settings(jwt_private_key_file=private_path, jwt_public_key_file=public_path)
    token = TokenIssuer(load_private_key(settings), ISSUER, 60).issue(CITY_STAFF)
    assert TokenVerifier(load_public_key(settings), ISSUER).verify(token) == CITY_STAFF


def test_keygen_refuses_to_overwrite(tmp_path: Path) -> None:
    private_path, _ = write_keypair(tmp_path)
    before = private_path.read_text()
    assert main([str(tmp_path)]) == 1
    assert private_path.read_text() == before
    assert main([str(tmp_path), "--force"]) == 0
    assert private_path.read_text() != before
    assert stat.S_IMODE(private_path.stat().st_mode) == 0o600


def test_missing_key_file_setting_is_reported() -> None:
    with pytest.raises(RuntimeError, match="JWT_PUBLIC_KEY_FILE"):
        load_public_key(Settings(jwt_public_key_file=None))
