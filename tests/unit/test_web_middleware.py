"""The middlewares every service runs: ids on every answer and in the request's context,
metrics per route, and the public reads' per-client limit answered before any route."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY

from skilleval_shared.observability import causation_id, correlation_id
from skilleval_shared.problems import MEDIA_TYPE, install_problem_handlers
from skilleval_shared.web.middleware import LimitPublicReads, ObserveRequests
from skilleval_shared.web.ratelimit import RateLimit

SERVICE = "middleware-test"


def build_app(public_reads_per_minute: int = 100) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(LimitPublicReads, limit=RateLimit(public_reads_per_minute))
    app.add_middleware(ObserveRequests, service=SERVICE)

    @app.get("/api/v1/public/things/{number}")
    async def thing(number: str) -> dict[str, str | None]:
        return {"correlation": correlation_id.get(), "cause": causation_id.get()}

    @app.get("/private")
    async def private() -> dict[str, str]:
        return {"ok": "yes"}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("boom")

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app(public_reads_per_minute=2))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def requests_counted(route: str, status: str) -> float:
    labels = {"service": SERVICE, "method": "GET", "route": route, "status": status}
    return REGISTRY.get_sample_value("skilleval_http_requests_total", labels) or 0.0


async def test_the_callers_correlation_id_is_echoed_and_seen_by_the_route(client):
    response = await client.get("/api/v1/public/things/1", headers={"X-Correlation-ID": "c-42"})
    assert response.headers["X-Correlation-ID"] == "c-42"
    assert response.json()["correlation"] == "c-42"
    # The request's own id is the cause of whatever the route does.
    assert response.json()["cause"] == response.headers["X-Request-ID"]


async def test_each_request_gets_its_own_ids(client):
    first, second = await client.get("/private"), await client.get("/private")
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    assert first.headers["X-Correlation-ID"] != second.headers["X-Correlation-ID"]


async def test_requests_are_counted_per_route_template(client):
    before = requests_counted("/api/v1/public/things/{number}", "200")
    await client.get("/api/v1/public/things/7")
    assert requests_counted("/api/v1/public/things/{number}", "200") == before + 1


async def test_public_reads_beyond_the_limit_get_a_429_problem_with_ids(client):
    assert [(await client.get(f"/api/v1/public/things/{n}")).status_code for n in range(2)] == [
        200,
        200,
    ]
    before = requests_counted("unmatched", "429")
    refused = await client.get("/api/v1/public/things/3", headers={"X-Correlation-ID": "c-9"})
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith(MEDIA_TYPE)
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.headers["X-Correlation-ID"] == "c-9"
    assert requests_counted("unmatched", "429") == before + 1
    # Only the public API's reads are limited.
    assert [(await client.get("/private")).status_code for _ in range(5)] == [200] * 5


async def test_a_request_that_raises_is_counted_as_a_500():
    transport = httpx.ASGITransport(app=build_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        before = requests_counted("/boom", "500")
        assert (await client.get("/boom")).status_code == 500
    assert requests_counted("/boom", "500") == before + 1
