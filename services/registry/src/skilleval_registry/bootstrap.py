"""The registry's composition root: builds every store and wires routers and consumers."""

from __future__ import annotations

from fastapi import FastAPI

from skilleval_registry.directory import consumers as directory_consumers
from skilleval_registry.directory import routes as directory_routes
from skilleval_registry.directory.service import Directory
from skilleval_registry.lookup import routes as lookup_routes
from skilleval_registry.lookup.service import AuditLog, PublicLookup
from skilleval_registry.settings import RegistrySettings
from skilleval_registry.talent import consumers as talent_consumers
from skilleval_registry.talent.service import TalentDatabase
from skilleval_registry.verification import consumers as verification_consumers
from skilleval_registry.verification import routes as verification_routes
from skilleval_registry.verification.service import Verifier
from skilleval_registry.web import LookupLimit
from skilleval_shared import topics
from skilleval_shared.runtime import Runtime
from skilleval_shared.web.app import create_app


def build_app(settings: RegistrySettings | None = None) -> FastAPI:
    settings = settings or RegistrySettings()
    runtime = Runtime(settings)
    db = runtime.db
    directory = Directory(db, public_cache_seconds=settings.public_cache_seconds)
    talent = TalentDatabase(db)
    audit = AuditLog(db["lookup_audit"])
    lookup = PublicLookup(talent=talent, audit=audit)
    verifier = Verifier(db, talent=talent)

    directory_consumers.register(runtime.consumer, directory)
    talent_consumers.register(runtime.consumer, talent)
    verification_consumers.register(runtime.consumer, verifier)
    runtime.consumer.subscribe(
        topics.CERTIFICATION_EVENTS, topics.FILING_EVENTS, topics.PROVINCE_ACKS
    )
    runtime.declare_publications(topics.REGISTRY_PROVINCE_SYNC)
    runtime.every(settings.audit_flush_seconds, audit.flush, "audit-flush")

    app = create_app(
        runtime,
        title="人才库服务 (registry)",
        description="技能人才数据库、证书公开查询与二维码验证、已备案机构目录、省库同步、统计。",
        routers=[lookup_routes.router, verification_routes.router, directory_routes.router],
    )
    app.state.directory = directory
    app.state.talent = talent
    app.state.audit = audit
    app.state.lookup = lookup
    app.state.verifier = verifier
    app.state.lookup_limit = LookupLimit(settings.lookups_per_minute)
    return app
