"""The certificate's compact signature: an EdDSA (Ed25519) JWS over its core fields.

The QR code carries ``<verification address>?s=<JWS>``; anyone holding the JWK set (served at
``/.well-known/certificate-jwks.json`` and published as an event) verifies it offline. The ID
number is not in the clear: the payload holds a digest of it, salted with the certificate
number, so a scanned code discloses no more than the paper it is printed on.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "EdDSA"
TOKEN_TYPE = "skilleval-cert+jws"


class SignatureInvalid(Exception):
    """The payload is not a certificate signature made by a key of the given set."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    """The RFC 7638 thumbprint of the public key."""
    members = {"crv": "Ed25519", "kty": "OKP", "x": b64url(_raw_public(key))}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode("ascii")).digest())


def jwk(key: Ed25519PublicKey) -> dict[str, str]:
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": b64url(_raw_public(key)),
        "kid": key_id(key),
        "use": "sig",
        "alg": ALGORITHM,
    }


def id_digest(certificate_number: str, id_number: str) -> str:
    return b64url(hashlib.sha256(f"{certificate_number}|{id_number}".encode()).digest()[:16])


def core_claims(
    *,
    certificate_number: str,
    holder_name: str,
    id_number: str,
    occupation_code: str,
    work_type: str,
    level: int,
    issue_date: str,
    institution_uscc: str,
    issue_count: int,
) -> dict[str, Any]:
    """Short claim names keep the QR code small enough to scan from paper."""
    return {
        "n": certificate_number,
        "h": holder_name,
        "i": id_digest(certificate_number, id_number),
        "o": occupation_code,
        "w": work_type,
        "l": level,
        "d": issue_date,
        "u": institution_uscc,
        "c": issue_count,
    }


def sign(claims: Mapping[str, Any], private_key: Ed25519PrivateKey) -> str:
    headers = {"kid": key_id(private_key.public_key()), "typ": TOKEN_TYPE}
    return jwt.encode(dict(claims), private_key, algorithm=ALGORITHM, headers=headers)


def qr_payload(verification_url: str, token: str) -> str:
    return f"{verification_url}?{urlencode({'s': token})}"


def token_of(payload: str) -> str:
    """The JWS from a scanned payload: the address with ``s=``, or the bare JWS."""
    payload = payload.strip()
    if payload.count(".") == 2 and "?" not in payload and "/" not in payload:
        return payload
    found = parse_qs(urlsplit(payload).query).get("s")
    if not found:
        raise SignatureInvalid("二维码内容中没有证书签名")
    return found[0]


def verify(payload: str, key_set: Mapping[str, Any]) -> dict[str, Any]:
    """The signed claims, or ``SignatureInvalid`` if no key of ``key_set`` made the signature."""
    token = token_of(payload)
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as error:
        raise SignatureInvalid("签名格式无效") from error
    if header.get("alg") != ALGORITHM or header.get("typ") != TOKEN_TYPE:
        raise SignatureInvalid("签名算法或类型不符")
    for candidate in key_set.get("keys", []):
        if candidate.get("kid") != header.get("kid"):
            continue
        try:
            public_key = jwt.PyJWK(candidate).key
            claims: dict[str, Any] = jwt.decode(token, public_key, algorithms=[ALGORITHM])
        except (jwt.InvalidTokenError, jwt.PyJWKError) as error:
            raise SignatureInvalid("签名校验失败，证书信息可能被篡改") from error
        return claims
    raise SignatureInvalid("签名所用密钥不在公钥集中")


def private_key_from_pem(pem: str | bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem if isinstance(pem, bytes) else pem.encode(), None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the certificate signing key must be an Ed25519 key")
    return key


def private_key_pem(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")
