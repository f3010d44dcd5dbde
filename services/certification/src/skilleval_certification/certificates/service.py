"""Certificates after issue: the current contents, the lifecycle (revoke, reissue, correct),
the signed QR payload, the PDF and a roster's archive."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from skilleval_certification.certificates import model, pdf
from skilleval_certification.certificates.model import Certificate, CertificateStatus
from skilleval_certification.evaluations.model import person_key
from skilleval_certification.signing import model as signing
from skilleval_certification.signing.service import SigningKeys
from skilleval_shared.domain_errors import InvalidRequest, NotFound
from skilleval_shared.envelope import EventData, wrap
from skilleval_shared.events.certification import CorrectableField
from skilleval_shared.repository import Loaded, Repository
from skilleval_shared.storage.mongo import Document

CertificateRepository = Repository[Certificate]
MISSING = "证书不存在"


@dataclass
class CertificateParts:
    records: AsyncCollection[Document]  # as issued, _id = number
    lifecycle: CertificateRepository  # from the first change after issue
    holdings: AsyncCollection[Document]
    signing: SigningKeys
    photos: AsyncCollection[Document]  # the holder's photo per certificate, _id = number


def repository(store: Any) -> CertificateRepository:
    return Repository(store, Certificate, missing=MISSING)


async def current(*, parts: CertificateParts, number: str) -> Loaded[Certificate]:
    """The certificate as it stands (version 0: unchanged since issue)."""
    changed = await parts.lifecycle.load(number)
    if changed is not None:
        return changed
    found = await parts.records.find_one({"_id": number})
    if found is None:
        raise NotFound(MISSING)
    return Loaded(number, 0, model.from_issue_record(found))


async def visible(*, parts: CertificateParts, number: str, uscc: str | None) -> Certificate:
    """The certificate, for its issuing institution (``uscc``) or staff (``None``)."""
    certificate = (await current(parts=parts, number=number)).state
    if uscc is not None and certificate.institution_uscc != uscc:
        raise NotFound(MISSING)
    return certificate


Decision = Callable[[Certificate], tuple[Certificate, list[EventData]]]


async def _change(parts: CertificateParts, number: str, decide: Decision) -> Certificate:
    async def attempt() -> Certificate:
        found = await current(parts=parts, number=number)
        state, events = decide(found.state)
        await parts.lifecycle.save(number, found.version, state, [wrap(e) for e in events])
        return state

    changed: Certificate = await parts.lifecycle.retrying(attempt)
    return changed


async def revoke(
    *, parts: CertificateParts, number: str, by: str, uscc: str | None, reason: str, today: date
) -> Certificate:
    def decide(certificate: Certificate) -> tuple[Certificate, list[EventData]]:
        return model.revoke(
            certificate, by=by, actor_uscc=uscc, is_staff=uscc is None, reason=reason, on=today
        )

    revoked = await _change(parts, number, decide)
    key = person_key(revoked.id_type, revoked.id_number, revoked.occupation_code, revoked.level)
    # The person may be certified again for this occupation and level.
    await parts.holdings.delete_one({"_id": key, "certificate_number": number})
    return revoked


async def reissue(
    *, parts: CertificateParts, number: str, uscc: str | None, reason: str, today: date
) -> Certificate:
    return await _change(
        parts,
        number,
        lambda c: model.reissue(c, actor_uscc=uscc, is_staff=uscc is None, reason=reason, on=today),
    )


async def correct(
    *,
    parts: CertificateParts,
    number: str,
    uscc: str | None,
    changes: Mapping[CorrectableField, Any],
    reason: str,
    today: date,
) -> Certificate:
    return await _change(
        parts,
        number,
        lambda c: model.correct(
            c, actor_uscc=uscc, is_staff=uscc is None, changes=changes, reason=reason, on=today
        ),
    )


def claims_of(*, certificate: Certificate) -> dict[str, Any]:
    return signing.core_claims(
        certificate_number=certificate.certificate_number,
        holder_name=certificate.holder_name,
        id_number=certificate.id_number,
        occupation_code=certificate.occupation_code,
        work_type=certificate.work_type,
        level=certificate.level,
        issue_date=certificate.printed_on.isoformat(),
        institution_uscc=certificate.institution_uscc,
        issue_count=len(certificate.issues),
    )


MAX_PHOTO_BYTES = 2 * 1024 * 1024
PHOTO_SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


async def put_photo(*, parts: CertificateParts, number: str, uscc: str | None, photo: bytes) -> str:
    """Keep the holder's photo (JPEG or PNG, at most 2 MB) for the printed certificate; returns
    its SHA-256."""
    await visible(parts=parts, number=number, uscc=uscc)
    if not photo or len(photo) > MAX_PHOTO_BYTES:
        raise InvalidRequest("照片应为不超过2MB的JPEG或PNG图片")
    kind = next((t for sig, t in PHOTO_SIGNATURES.items() if photo.startswith(sig)), None)
    if kind is None:
        raise InvalidRequest("照片应为不超过2MB的JPEG或PNG图片")
    sha = hashlib.sha256(photo).hexdigest()
    document = {"_id": number, "type": kind, "sha256": sha, "data": photo}
    await parts.photos.replace_one({"_id": number}, document, upsert=True)
    return sha


async def render_pdf(*, parts: CertificateParts, certificate: Certificate) -> bytes:
    payload = await parts.signing.qr_payload(claims_of(certificate=certificate))
    photo = await parts.photos.find_one({"_id": certificate.certificate_number})
    return pdf.render(
        certificate, qr_payload=payload, photo=bytes(photo["data"]) if photo else None
    )


async def roster_archive(*, parts: CertificateParts, roster_id: str, uscc: str | None) -> bytes:
    """One ZIP of the PDFs of a roster's certificates (a scan: downloads are rare)."""
    query: dict[str, Any] = {"roster_id": roster_id}
    if uscc is not None:
        query["institution_uscc"] = uscc
    numbers = [doc["_id"] async for doc in parts.records.find(query, {"_id": 1})]
    if not numbers:
        raise NotFound("该名册没有已发放的证书")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for number in sorted(numbers):
            certificate = (await current(parts=parts, number=number)).state
            archive.writestr(
                f"{number}.pdf", await render_pdf(parts=parts, certificate=certificate)
            )
    return out.getvalue()


@dataclass(frozen=True)
class Verification:
    signature_valid: bool
    status: CertificateStatus | None
    message: str
    certificate: Certificate | None


async def verify(*, parts: CertificateParts, payload: str) -> Verification:
    try:
        claims = signing.verify(payload, await parts.signing.jwks())
    except signing.SignatureInvalid as error:
        return Verification(False, None, str(error), None)
    try:
        certificate = (await current(parts=parts, number=str(claims["n"]))).state
    except NotFound:
        return Verification(True, None, "签名有效，但本系统中查无此证书", None)
    if claims != claims_of(certificate=certificate):
        return Verification(
            True,
            certificate.status,
            "签名有效，但证书内容已更正或补发，请以最新证书为准",
            certificate,
        )
    if certificate.status is CertificateStatus.REVOKED:
        return Verification(
            True, certificate.status, f"证书已注销：{certificate.revocation_reason}", certificate
        )
    return Verification(True, certificate.status, "证书有效", certificate)
