"""The registry's composition root: builds every store and wires routers and consumers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from skilleval_registry.directory import consumers as directory_consumers
from skilleval_registry.directory import routes as directory_routes
from skilleval_registry.directory.service import Directory
from skilleval_registry.lookup import routes as lookup_routes
from skilleval_registry.lookup.service import AuditLog, PublicLookup
from skilleval_registry.province import consumers as province_consumers
from skilleval_registry.province.service import ProvinceSimulator
from skilleval_registry.settings import RegistrySettings
from skilleval_registry.statistics import routes as statistics_routes
from skilleval_registry.statistics.service import Statistics
from skilleval_registry.sync import consumers as sync_consumers
from skilleval_registry.sync import routes as sync_routes
from skilleval_registry.sync.model import SyncRecord
from skilleval_registry.sync.service import ProvinceSync
from skilleval_registry.talent import consumers as talent_consumers
from skilleval_registry.talent.service import TalentDatabase
from skilleval_registry.verification import consumers as verification_consumers
from skilleval_registry.verification import routes as verification_routes
from skilleval_registry.verification.service import Verifier
from skilleval_registry.web import LookupLimit
from skilleval_shared import topics
from skilleval_shared.envelope import CloudEvent
from skilleval_shared.messaging import publish_event
from skilleval_shared.repository import Repository
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
    statistics = Statistics(talent.certificates, cache_seconds=settings.statistics_cache_seconds)
    sync = ProvinceSync(
        Repository(runtime.store("sync"), SyncRecord, missing="未找到该证书的省库同步记录"),
        ack_timeout_seconds=settings.province_ack_timeout_seconds,
        records_at_once=settings.sync_records_at_once,
    )

    directory_consumers.register(runtime.consumer, directory)
    talent_consumers.register(runtime.consumer, talent, then=[sync.record_certificate_events])
    verification_consumers.register(runtime.consumer, verifier)
    sync_consumers.register(runtime.consumer, sync)
    subscribed = [topics.CERTIFICATION_EVENTS, topics.FILING_EVENTS, topics.PROVINCE_ACKS]
    if settings.province_simulator:

        async def publish(event: CloudEvent[Any]) -> None:
            await publish_event(runtime.broker, settings, event)

        simulator = ProvinceSimulator(
            publish=publish, reject_percent=settings.province_reject_percent
        )
        province_consumers.register(runtime.consumer, simulator)
        subscribed.append(topics.REGISTRY_PROVINCE_SYNC)
    runtime.consumer.subscribe(*subscribed)
    runtime.declare_publications(topics.REGISTRY_PROVINCE_SYNC)
    runtime.every(settings.audit_flush_seconds, audit.flush, "audit-flush")

    app = create_app(
        runtime,
        title="人才库服务 (registry)",
        description="技能人才数据库、证书公开查询与二维码验证、已备案机构目录、省库同步、统计。",
        routers=[
            lookup_routes.router,
            verification_routes.router,
            directory_routes.router,
            sync_routes.router,
            statistics_routes.router,
        ],
    )
    app.state.directory = directory
    app.state.talent = talent
    app.state.audit = audit
    app.state.lookup = lookup
    app.state.verifier = verifier
    app.state.sync = sync
    app.state.statistics = statistics
    app.state.lookup_limit = LookupLimit(settings.lookups_per_minute)
    app.state.page_limit = LookupLimit(settings.public_reads_per_minute)
    _flush_audit_at_shutdown(app, audit)
    return app


def _flush_audit_at_shutdown(app: FastAPI, audit: AuditLog) -> None:
    serving = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with serving(app):
            yield
            await audit.flush()  # before the runtime closes the database

    app.router.lifespan_context = lifespan
