"""Assessment's composition root: builds every store and wires routers and consumers."""

from __future__ import annotations

from fastapi import FastAPI

from skilleval_assessment.enterprises import consumers as enterprise_consumers
from skilleval_assessment.enterprises.service import EnterpriseProjection
from skilleval_assessment.settings import AssessmentSettings
from skilleval_shared import topics
from skilleval_shared.runtime import Runtime
from skilleval_shared.web.app import create_app


def build_app(settings: AssessmentSettings | None = None) -> FastAPI:
    runtime = Runtime(settings or AssessmentSettings())
    enterprises = EnterpriseProjection(runtime.db)
    enterprise_consumers.register(runtime.consumer, enterprises)
    runtime.consumer.subscribe(topics.FILING_EVENTS)
    runtime.declare_publications(topics.ASSESSMENT_EVENTS)
    app = create_app(
        runtime,
        title="评价服务 (assessment)",
        description="评价考核方案、报名与资格审核、成绩、人员名册（附件3）。",
        routers=[],
    )
    app.state.enterprises = enterprises
    return app
