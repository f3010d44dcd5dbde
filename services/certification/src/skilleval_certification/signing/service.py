"""The certificate signing key: from ``CERTIFICATE_SIGNING_KEY_FILE``, or (outside production)
generated once and kept in the database so every replica signs with the same key; its public
half served as a JWK set and published once as an event."""

from __future__ import annotations

import contextlib
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pymongo.asynchronous.collection import AsyncCollection

from skilleval_certification.signing import model
from skilleval_shared.envelope import wrap
from skilleval_shared.events.certification import SigningKeyPublished
from skilleval_shared.storage.aggregates import AggregateStore, ConcurrentUpdate
from skilleval_shared.storage.mongo import Document, is_duplicate_key

KIND = "signing-key"
CURRENT = "current"


class SigningKeys:
    def __init__(
        self,
        *,
        keys: AsyncCollection[Document],
        store: AggregateStore,
        verification_url: str,
        pem: str | None = None,
    ) -> None:
        self.keys = keys
        self.store = store
        self.verification_url = verification_url
        self._key: Ed25519PrivateKey | None = model.private_key_from_pem(pem) if pem else None

    async def private_key(self) -> Ed25519PrivateKey:
        if self._key is None:
            found = await self.keys.find_one({"_id": CURRENT})
            if found is None:
                generated = model.private_key_pem(Ed25519PrivateKey.generate())
                try:
                    await self.keys.insert_one({"_id": CURRENT, "pem": generated})
                except Exception as error:
                    if not is_duplicate_key(error):
                        raise
                found = await self.keys.find_one({"_id": CURRENT})
                assert found is not None
            self._key = model.private_key_from_pem(found["pem"])
        return self._key

    async def jwks(self) -> dict[str, list[dict[str, str]]]:
        return {"keys": [model.jwk((await self.private_key()).public_key())]}

    async def publish(self) -> None:
        """Publish the public key once (a commit at version 1 of ``signing-key:<kid>``)."""
        public = model.jwk((await self.private_key()).public_key())
        event = SigningKeyPublished(
            key_id=public["kid"],
            algorithm=public["alg"],
            curve=public["crv"],
            public_key=public["x"],
            verification_url=self.verification_url,
        )
        with contextlib.suppress(ConcurrentUpdate):
            await self.store.commit(public["kid"], 0, {"jwk": public}, [wrap(event)])

    async def sign(self, claims: dict[str, Any]) -> str:
        return model.sign(claims, await self.private_key())

    async def qr_payload(self, claims: dict[str, Any]) -> str:
        return model.qr_payload(self.verification_url, await self.sign(claims))
