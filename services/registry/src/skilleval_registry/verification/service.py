"""QR verification: the compact JWS (EdDSA) in a certificate's QR address
(``<verification_url>?s=<JWS>``), checked with a key certification published
(``SigningKeyPublished``, kept by key id), then judged against the talent database. Nothing
else is trusted: an unknown key id is a forgery."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import jwt
from pymongo.asynchronous.database import AsyncDatabase

from skilleval_registry.talent.service import TalentDatabase
from skilleval_registry.verification.model import NUMBER_CLAIM, TOKEN_TYPE, Verdict, judge
from skilleval_shared.envelope import CloudEvent
from skilleval_shared.events.certification import SigningKeyPublished
from skilleval_shared.storage.mongo import Document
from skilleval_shared.storage.projection import Projection

MAX_TOKEN = 4096


@dataclass(frozen=True)
class Verification:
    verdict: Verdict
    certificate_number: str | None = None
    record: Document | None = None


class Verifier:
    def __init__(self, db: AsyncDatabase[Document], *, talent: TalentDatabase) -> None:
        self.keys = Projection(db["signing_keys"])
        self.talent = talent

    async def record_key(self, event: CloudEvent[Any]) -> None:
        data: SigningKeyPublished = event.data
        jwk = {
            "kty": "OKP",
            "crv": data.curve,
            "x": data.public_key,
            "kid": data.key_id,
            "alg": data.algorithm,
            "use": "sig",
        }
        fields = {"jwk": jwk, "verification_url": data.verification_url}
        await self.keys.apply(data.key_id, event, lambda body: body | fields)

    async def verify(self, *, token: str) -> Verification:
        claims = await self._signed_claims(token)
        if claims is None:
            return Verification(Verdict.FORGED)
        number = claims.get(NUMBER_CLAIM)
        if not isinstance(number, str) or not 1 <= len(number) <= 32:
            return Verification(Verdict.FORGED)
        record = await self.talent.get(number)
        return Verification(judge(claims, record), number, record)

    async def _signed_claims(self, token: str) -> dict[str, Any] | None:
        if len(token) > MAX_TOKEN:
            return None
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            return None
        kid = header.get("kid")
        if header.get("alg") != "EdDSA" or header.get("typ") != TOKEN_TYPE:
            return None
        if not isinstance(kid, str) or not 0 < len(kid) <= 64:
            return None
        held = await self.keys.get(kid)
        if held is None or "jwk" not in held:
            return None
        try:
            key = jwt.PyJWK(held["jwk"], algorithm="EdDSA")
            signed = jwt.api_jws.decode_complete(token, key=key, algorithms=["EdDSA"])
            claims = json.loads(signed["payload"])
        except (jwt.PyJWTError, ValueError):
            return None
        return claims if isinstance(claims, dict) else None
