"""The FastAPI application every service serves: lifespan, probes, metrics, AsyncAPI, errors."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from ipaddress import IPv4Network, IPv6Address, IPv6Network, ip_address
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from faststream.specification import AsyncAPI
from faststream.specification.asyncapi.site import get_asyncapi_html
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, Field

from skilleval_shared.observability import configure_logging
from skilleval_shared.problems import forbidden, install_problem_handlers
from skilleval_shared.runtime import Runtime
from skilleval_shared.storage.mongo import ping
from skilleval_shared.web.middleware import LimitPublicReads, ObserveRequests
from skilleval_shared.web.openapi import problem_openapi
from skilleval_shared.web.ratelimit import RateLimit


def create_app(
    runtime: Runtime,
    *,
    title: str,
    description: str,
    routers: list[APIRouter],
) -> FastAPI:
    settings = runtime.settings

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.service_name, settings.log_level)
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(title=title, description=description, version="0.1.0", lifespan=lifespan)
    app.state.runtime = runtime
    app.state.token_verifier = runtime.token_verifier
    install_problem_handlers(app)
    # The last added runs first: ids and metrics cover the 429s of the public limit too.
    app.add_middleware(LimitPublicReads, limit=RateLimit(settings.public_reads_per_minute))
    app.add_middleware(ObserveRequests, service=settings.service_name)
    app.include_router(_operations_router(runtime, title))
    for router in routers:
        app.include_router(router)
    app.openapi = problem_openapi(app)  # type: ignore[method-assign]
    return app


def _from_networks(request: Request, networks: Sequence[IPv4Network | IPv6Network]) -> bool:
    try:
        address = ip_address(request.client.host) if request.client else None
    except ValueError:
        return False
    if isinstance(address, IPv6Address) and address.ipv4_mapped:  # a dual-stack listener
        address = address.ipv4_mapped
    return address is not None and any(address in network for network in networks)


class Readiness(BaseModel):
    status: str = Field(title="ready 或 unavailable")
    checks: dict[str, str] = Field(title="各依赖的检查结果")


def _operations_router(runtime: Runtime, title: str) -> APIRouter:
    router = APIRouter(tags=["operations"])
    specification = AsyncAPI(runtime.broker, title=f"{title} — events", version="0.1.0")

    @router.get("/healthz", summary="进程存活")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": runtime.settings.service_name}

    @router.get("/readyz", summary="依赖就绪（Kafka 与数据库）", response_model=Readiness)
    async def readyz() -> JSONResponse:
        checks: dict[str, str] = {}
        try:
            await ping(runtime.mongo)
            checks["database"] = "ok"
        except Exception as error:
            checks["database"] = f"error: {type(error).__name__}"
        checks["kafka"] = "ok" if await runtime.broker.ping(timeout=2.0) else "error"
        ready = all(value == "ok" for value in checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "unavailable", "checks": checks},
            status_code=200 if ready else 503,
        )

    @router.get("/metrics", summary="Prometheus 指标", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        if not _from_networks(request, runtime.settings.metrics_allowed_networks):
            raise forbidden("指标接口仅对运维网络开放")
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @router.get("/asyncapi", summary="AsyncAPI 文档", include_in_schema=False)
    async def asyncapi_page() -> HTMLResponse:
        return HTMLResponse(get_asyncapi_html(specification.to_specification()))

    @router.get("/asyncapi.json", summary="AsyncAPI 文档 (JSON)", response_model=dict[str, Any])
    async def asyncapi_json() -> JSONResponse:
        return JSONResponse(specification.to_specification().to_jsonable())

    return router
