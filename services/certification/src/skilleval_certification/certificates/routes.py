"""Certificates: view, PDF, a roster's archive, revocation, reissue, correction, verification."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from skilleval_certification.certificates import service
from skilleval_certification.certificates.model import Certificate
from skilleval_certification.certificates.schemas import (
    CertificateView,
    CorrectionForm,
    IssueRecordView,
    PhotoStored,
    ReissueForm,
    RevocationForm,
    VerificationView,
)
from skilleval_certification.web import EnterpriseOrStaff, Parts, account_id, own_uscc, today
from skilleval_shared.events.certification import CorrectableField
from skilleval_shared.validation.contact import mask_name
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(tags=["certificates"], route_class=DomainErrorRoute)
PDF = "application/pdf"


def view(certificate: Certificate) -> CertificateView:
    return CertificateView(
        **certificate.model_dump(
            mode="json",
            include={
                "certificate_number",
                "institution_uscc",
                "institution_name",
                "roster_id",
                "holder_name",
                "id_type",
                "id_number",
                "occupation_code",
                "occupation_name",
                "work_type",
                "level",
                "issue_date",
                "status",
                "revocation_reason",
            },
        ),
        level_title=certificate.level_title,
        issues=[
            IssueRecordView(kind=r.kind.value, issued_on=r.issued_on.isoformat(), remark=r.remark)
            for r in certificate.issues
        ],
    )


@router.get("/api/v1/certificates/{number}", summary="证书信息", response_model=CertificateView)
async def certificate(number: str, principal: EnterpriseOrStaff, parts: Parts) -> CertificateView:
    found = await service.visible(parts=parts.certificates, number=number, uscc=own_uscc(principal))
    return view(found)


@router.get(
    "/api/v1/certificates/{number}/pdf",
    summary="下载证书（PDF）",
    response_class=Response,
    responses={200: {"content": {PDF: {}}}},
)
async def certificate_pdf(number: str, principal: EnterpriseOrStaff, parts: Parts) -> Response:
    found = await service.visible(parts=parts.certificates, number=number, uscc=own_uscc(principal))
    body = await service.render_pdf(parts=parts.certificates, certificate=found)
    headers = {"Content-Disposition": f'attachment; filename="{number}.pdf"'}
    return Response(body, media_type=PDF, headers=headers)


@router.put(
    "/api/v1/certificates/{number}/photo",
    summary="上传持证人照片（JPEG/PNG，不超过2MB）",
    response_model=PhotoStored,
)
async def put_photo(
    number: str, request: Request, principal: EnterpriseOrStaff, parts: Parts
) -> PhotoStored:
    body = await request.body()
    sha = await service.put_photo(
        parts=parts.certificates, number=number, uscc=own_uscc(principal), photo=body
    )
    return PhotoStored(certificate_number=number, sha256=sha)


@router.get(
    "/api/v1/rosters/{roster_id}/certificates.zip",
    summary="按名册打包下载证书",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}}},
)
async def roster_archive(roster_id: str, principal: EnterpriseOrStaff, parts: Parts) -> Response:
    body = await service.roster_archive(
        parts=parts.certificates, roster_id=roster_id, uscc=own_uscc(principal)
    )
    headers = {"Content-Disposition": f'attachment; filename="{roster_id}.zip"'}
    return Response(body, media_type="application/zip", headers=headers)


@router.post(
    "/api/v1/certificates/{number}/revocation", summary="注销证书", response_model=CertificateView
)
async def revoke(
    number: str, form: RevocationForm, principal: EnterpriseOrStaff, parts: Parts
) -> CertificateView:
    await service.visible(parts=parts.certificates, number=number, uscc=own_uscc(principal))
    changed = await service.revoke(
        parts=parts.certificates,
        number=number,
        by=account_id(principal),
        uscc=own_uscc(principal),
        reason=form.reason,
        today=today(),
    )
    return view(changed)


@router.post(
    "/api/v1/certificates/{number}/reissue",
    summary="遗失补发（证书编号不变）",
    response_model=CertificateView,
)
async def reissue(
    number: str, form: ReissueForm, principal: EnterpriseOrStaff, parts: Parts
) -> CertificateView:
    await service.visible(parts=parts.certificates, number=number, uscc=own_uscc(principal))
    changed = await service.reissue(
        parts=parts.certificates,
        number=number,
        uscc=own_uscc(principal),
        reason=form.reason,
        today=today(),
    )
    return view(changed)


@router.post(
    "/api/v1/certificates/{number}/correction",
    summary="更正信息并换发",
    response_model=CertificateView,
)
async def correct(
    number: str, form: CorrectionForm, principal: EnterpriseOrStaff, parts: Parts
) -> CertificateView:
    await service.visible(parts=parts.certificates, number=number, uscc=own_uscc(principal))
    changes = {
        field: getattr(form, field.value)
        for field in CorrectableField
        if getattr(form, field.value) is not None
    }
    changed = await service.correct(
        parts=parts.certificates,
        number=number,
        uscc=own_uscc(principal),
        changes=changes,
        reason=form.reason,
        today=today(),
    )
    return view(changed)


@router.get(
    "/api/v1/public/certificates/verification",
    summary="验证证书二维码（公开）",
    response_model=VerificationView,
)
async def verify(
    parts: Parts, s: str = Query(min_length=10, max_length=2000, description="二维码中的签名")
) -> VerificationView:
    found = await service.verify(parts=parts.certificates, payload=s)
    holder = found.certificate
    return VerificationView(
        signature_valid=found.signature_valid,
        status=found.status.value if found.status else None,
        message=found.message,
        certificate_number=holder.certificate_number if holder else None,
        holder_name=mask_name(holder.holder_name) if holder else None,
        level_title=holder.level_title if holder else None,
    )
