"""Assessment's composition root: builds every store and wires routers and consumers."""

from __future__ import annotations

from fastapi import FastAPI

from skilleval_assessment.candidates import routes as candidate_routes
from skilleval_assessment.candidates import service as candidates
from skilleval_assessment.enterprises import consumers as enterprise_consumers
from skilleval_assessment.enterprises.service import EnterpriseProjection
from skilleval_assessment.files import routes as file_routes
from skilleval_assessment.plans import routes as plan_routes
from skilleval_assessment.plans import service as plans
from skilleval_assessment.results import routes as result_routes
from skilleval_assessment.results import service as results
from skilleval_assessment.rosters import consumers as roster_consumers
from skilleval_assessment.rosters import routes as roster_routes
from skilleval_assessment.rosters import service as rosters
from skilleval_assessment.settings import AssessmentSettings
from skilleval_assessment.web import AssessmentParts
from skilleval_shared import topics
from skilleval_shared.runtime import Runtime
from skilleval_shared.storage.chunks import ChunkStore
from skilleval_shared.storage.files import FileStore
from skilleval_shared.web.app import create_app


def build_parts(runtime: Runtime, settings: AssessmentSettings) -> AssessmentParts:
    db = runtime.db
    return AssessmentParts(
        settings=settings,
        enterprises=EnterpriseProjection(db),
        plans=plans.repository(runtime.store(plans.KIND)),
        enrolments=candidates.repository(runtime.store(candidates.KIND)),
        batches=ChunkStore(db["enrolment_batches"]),
        results=results.repository(runtime.store(results.KIND)),
        result_batches=ChunkStore(db["result_batches"]),
        rosters=rosters.repository(runtime.store(rosters.KIND)),
        roster_rows=ChunkStore(db["roster_rows"]),
        progress=rosters.RosterProgress(db),
        imports=db["candidate_imports"],
        files=FileStore(db),
    )


def build_app(settings: AssessmentSettings | None = None) -> FastAPI:
    settings = settings or AssessmentSettings()
    runtime = Runtime(settings)
    parts = build_parts(runtime, settings)
    enterprise_consumers.register(runtime.consumer, parts.enterprises)
    roster_consumers.register(runtime.consumer, parts.progress)
    runtime.consumer.subscribe(topics.FILING_EVENTS, topics.CERTIFICATION_EVENTS)
    runtime.declare_publications(topics.ASSESSMENT_EVENTS)
    app = create_app(
        runtime,
        title="评价服务 (assessment)",
        description="评价考核方案、报名与资格审核、成绩、人员名册（附件3）。",
        routers=[
            plan_routes.router,
            candidate_routes.router,
            result_routes.router,
            roster_routes.router,
            file_routes.router,
        ],
    )
    app.state.assessment = parts
    app.state.enterprises = parts.enterprises
    return app
