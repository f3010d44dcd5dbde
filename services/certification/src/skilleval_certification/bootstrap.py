from __future__ import annotations

from fastapi import FastAPI

from skilleval_certification.settings import CertificationSettings
from skilleval_shared import topics
from skilleval_shared.runtime import Runtime
from skilleval_shared.web.app import create_app


def build_app(settings: CertificationSettings | None = None) -> FastAPI:
    runtime = Runtime(settings or CertificationSettings())
    runtime.consumer.subscribe(
        topics.ASSESSMENT_EVENTS, topics.FILING_EVENTS, topics.CERTIFICATION_NUMBERING
    )
    runtime.declare_publications(topics.CERTIFICATION_EVENTS)
    runtime.declare_publications(topics.CERTIFICATION_NUMBERING)
    return create_app(
        runtime,
        title="证书服务 (certification)",
        description="名册校验、市省两级审核、证书编号与发放、证书 PDF 与二维码、注销与补发。",
        routers=[],
    )
