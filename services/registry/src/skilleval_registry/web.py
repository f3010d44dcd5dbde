"""What the registry's pages share: the templates and the per-client lookup limit."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from skilleval_shared.problems import rate_limited
from skilleval_shared.web.ratelimit import WindowCounts

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
# What a page that counts reads answers when a client reads too fast: a page, not a problem
# document (``too_many``). The routes declare it, so that their OpenAPI says so.
LIMITED_PAGE: dict[int | str, dict[str, Any]] = {
    429: {
        "description": "查询过于频繁（页面；Retry-After 给出等待秒数）",
        "content": {"text/html": {"schema": {"type": "string"}}},
    }
}


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def page(
    request: Request, template: str, /, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """A page of the public site; Jinja2 escapes every value (autoescape is on for .html)."""
    response = templates.TemplateResponse(request, template, context, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


class LookupLimit:
    """Certificate lookups one client address may make per minute, pages and API together."""

    def __init__(self, per_minute: int, window_seconds: float = 60.0) -> None:
        self.per_minute = per_minute
        self.counts = WindowCounts(window_seconds)

    def retry_after(self, request: Request) -> int | None:
        """Seconds the client must wait, or None after counting this lookup."""
        client = client_of(request)
        count, left = self.counts.current(client)
        if count >= self.per_minute:
            return max(1, math.ceil(left))
        self.counts.add(client)
        return None

    def check_api(self, request: Request) -> None:
        """For the JSON API: a 429 problem with Retry-After when over the limit."""
        wait = self.retry_after(request)
        if wait is not None:
            raise rate_limited(wait)


def limit_of(request: Request) -> LookupLimit:
    limit: LookupLimit = request.app.state.lookup_limit
    return limit


def page_limited(request: Request) -> HTMLResponse | None:
    """The 429 page when a client reads pages faster than ``PUBLIC_READS_PER_MINUTE`` (the
    limit the JSON API's public reads have), else None after counting this read."""
    limit: LookupLimit = request.app.state.page_limit
    wait = limit.retry_after(request)
    return None if wait is None else too_many(request, wait)


def too_many(request: Request, wait: int) -> HTMLResponse:
    response = page(request, "limited.html", status_code=429, wait=wait)
    response.headers["Retry-After"] = str(wait)
    return response
