"""Certification's composition root: builds every store and wires routers and consumers."""

from __future__ import annotations

from fastapi import FastAPI

from skilleval_certification.certificates import routes as certificate_routes
from skilleval_certification.certificates import service as certificates
from skilleval_certification.certificates.holdings import HoldingIndex
from skilleval_certification.certificates.model import KIND as CERTIFICATE
from skilleval_certification.certificates.service import CertificateParts
from skilleval_certification.evaluations import consumers as evaluation_consumers
from skilleval_certification.evaluations.service import EvaluationProjection
from skilleval_certification.institutions import consumers as institution_consumers
from skilleval_certification.institutions.service import InstitutionProjection
from skilleval_certification.numbering import consumers as numbering_consumers
from skilleval_certification.numbering.service import ISSUANCE, NumberingParts
from skilleval_certification.rosters import consumers as roster_consumers
from skilleval_certification.rosters import routes as roster_routes
from skilleval_certification.rosters import service as rosters
from skilleval_certification.rosters.model import KIND as ROSTER
from skilleval_certification.rosters.service import RosterParts
from skilleval_certification.settings import CertificationSettings
from skilleval_certification.signing import routes as signing_routes
from skilleval_certification.signing.service import KIND as SIGNING_KEY
from skilleval_certification.signing.service import SigningKeys
from skilleval_certification.web import Certification
from skilleval_shared import topics
from skilleval_shared.runtime import Runtime
from skilleval_shared.storage.chunks import ChunkStore
from skilleval_shared.storage.sequences import BlockAllocator
from skilleval_shared.web.app import create_app


def build_parts(runtime: Runtime, settings: CertificationSettings) -> Certification:
    db = runtime.db
    roster_repository = rosters.repository(runtime.store(ROSTER))
    checked = ChunkStore(db["roster_checked"])
    holdings = db["holdings"]
    held = HoldingIndex(holdings, db["holding_index"])
    key_file = settings.certificate_signing_key_file
    signing = SigningKeys(
        keys=db["signing_keys"],
        store=runtime.store(SIGNING_KEY),
        verification_url=settings.certificate_verification_url,
        pem=key_file.read_text(encoding="ascii") if key_file else None,
    )
    return Certification(
        rosters=RosterParts(
            rosters=roster_repository,
            chunks=db["roster_chunks"],
            headers=db["roster_headers"],
            checked=checked,
            holdings=held,
            institutions=InstitutionProjection(db),
            evaluations=EvaluationProjection(db),
        ),
        numbering=NumberingParts(
            rosters=roster_repository,
            chunks=db["roster_chunks"],
            allocator=BlockAllocator(db["sequences"]),
            certificates=db["certificates"],
            holdings=held,
            issuance=runtime.store(ISSUANCE),
        ),
        certificates=CertificateParts(
            records=db["certificates"],
            lifecycle=certificates.repository(runtime.store(CERTIFICATE)),
            holdings=holdings,
            signing=signing,
            photos=db["photos"],
        ),
        signing=signing,
    )


def build_app(settings: CertificationSettings | None = None) -> FastAPI:
    settings = settings or CertificationSettings()
    runtime = Runtime(settings)
    parts = build_parts(runtime, settings)
    institution_consumers.register(runtime.consumer, parts.rosters.institutions)
    evaluation_consumers.register(runtime.consumer, parts.rosters.evaluations)
    roster_consumers.register(runtime.consumer, parts.rosters)
    numbering_consumers.register(runtime.consumer, parts.numbering)
    runtime.consumer.subscribe(
        topics.ASSESSMENT_EVENTS, topics.FILING_EVENTS, topics.CERTIFICATION_NUMBERING
    )
    runtime.declare_publications(topics.CERTIFICATION_EVENTS)
    runtime.declare_publications(topics.CERTIFICATION_NUMBERING)
    runtime.every(3600, parts.signing.publish, "signing-key-publication")

    async def resume_numbering() -> None:
        await rosters.resume_numbering(
            parts=parts.rosters,
            after_seconds=settings.numbering_resume_after_seconds,
            max_orders=settings.numbering_max_orders,
        )

    runtime.every(settings.numbering_resume_interval_seconds, resume_numbering, "numbering-resume")
    app = create_app(
        runtime,
        title="证书服务 (certification)",
        description="名册校验、市省两级审核、证书编号与发放、证书 PDF 与二维码、注销与补发。",
        routers=[roster_routes.router, certificate_routes.router, signing_routes.router],
    )
    app.state.certification = parts
    return app
