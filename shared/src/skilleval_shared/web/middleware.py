"""The two middlewares every service runs, as plain ASGI callables.

Starlette's ``@app.middleware("http")`` (``BaseHTTPMiddleware``) runs the rest of the
application in a task of its own and streams the response back through a memory channel: on the
registry's public lookup that cost more CPU than the route itself. These wrap ``send`` instead,
in the request's own task, so the correlation scope is simply the current context.
"""

from __future__ import annotations

import time

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from skilleval_shared.envelope import new_event_id
from skilleval_shared.observability import HTTP_LATENCY, HTTP_REQUESTS, correlation_scope
from skilleval_shared.problems import Problem
from skilleval_shared.web.openapi import PUBLIC_PREFIX
from skilleval_shared.web.ratelimit import RateLimit

CORRELATION_HEADER = "X-Correlation-ID"
REQUEST_ID_HEADER = "X-Request-ID"


class ObserveRequests:
    """Correlation and request ids on every response (and in the logs and events the request
    causes), and the request count and latency per route for Prometheus."""

    def __init__(self, app: ASGIApp, *, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        correlation = Headers(scope=scope).get(CORRELATION_HEADER) or new_event_id()
        # Each request gets its own id: events it causes name it as their causationid.
        request_id = new_event_id()
        started = time.perf_counter()
        status = 500  # what the metrics say if the application raises before answering

        async def send_with_ids(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers[CORRELATION_HEADER] = correlation
                headers[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            with correlation_scope(correlation, caused_by=request_id):
                await self.app(scope, receive, send_with_ids)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"]
            HTTP_REQUESTS.labels(self.service, method, route, str(status)).inc()
            HTTP_LATENCY.labels(self.service, method, route).observe(time.perf_counter() - started)


class LimitPublicReads:
    """The per-client limit on the public JSON API's reads (``GET /api/v1/public/…``),
    answered here with the 429 problem before any route runs."""

    def __init__(self, app: ASGIApp, *, limit: RateLimit) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "GET"
            and scope["path"].startswith(PUBLIC_PREFIX)
        ):
            try:
                await self.limit(Request(scope))
            except Problem as problem:
                await problem.to_response(scope["path"])(scope, receive, send)
                return
        await self.app(scope, receive, send)
