"""The registry's composition root: builds every store and wires routers and consumers."""

from __future__ import annotations

from fastapi import FastAPI

from skilleval_registry.directory import consumers as directory_consumers
from skilleval_registry.directory import routes as directory_routes
from skilleval_registry.directory.service import Directory
from skilleval_registry.settings import RegistrySettings
from skilleval_shared import topics
from skilleval_shared.runtime import Runtime
from skilleval_shared.web.app import create_app


def build_app(settings: RegistrySettings | None = None) -> FastAPI:
    runtime = Runtime(settings or RegistrySettings())
    directory = Directory(runtime.db, public_cache_seconds=runtime.settings.public_cache_seconds)
    directory_consumers.register(runtime.consumer, directory)
    runtime.consumer.subscribe(
        topics.CERTIFICATION_EVENTS, topics.FILING_EVENTS, topics.PROVINCE_ACKS
    )
    runtime.declare_publications(topics.REGISTRY_PROVINCE_SYNC)
    app = create_app(
        runtime,
        title="人才库服务 (registry)",
        description="技能人才数据库、证书公开查询、已备案机构目录、省库同步。",
        routers=[directory_routes.router],
    )
    app.state.directory = directory
    return app
