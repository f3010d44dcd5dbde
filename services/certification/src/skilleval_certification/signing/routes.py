"""The public keys that verify certificate QR signatures."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from skilleval_certification.signing.service import SigningKeys
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(tags=["signing"], route_class=DomainErrorRoute)


class Jwk(BaseModel):
    kty: str
    crv: str
    x: str
    kid: str
    use: str
    alg: str


class Jwks(BaseModel):
    keys: list[Jwk]


@router.get(
    "/.well-known/certificate-jwks.json",
    summary="证书二维码验签公钥（JWKS）",
    response_model=Jwks,
)
async def certificate_keys(request: Request) -> Jwks:
    keys: SigningKeys = request.app.state.certification.signing
    return Jwks.model_validate(await keys.jwks())
