"""A per-client fixed-window rate limit for public endpoints (in process memory)."""

from __future__ import annotations

import time

from fastapi import Request

from skilleval_shared.problems import rate_limited


class RateLimit:
    """Use as a FastAPI dependency: ``Depends(RateLimit(20))`` allows 20 calls a minute."""

    def __init__(self, per_minute: int, *, window_seconds: float = 60.0) -> None:
        self.per_minute = per_minute
        self.window_seconds = window_seconds
        self._windows: dict[str, tuple[float, int]] = {}

    async def __call__(self, request: Request) -> None:
        client = request.client.host if request.client else "unknown"
        now = time.monotonic()
        started, count = self._windows.get(client, (now, 0))
        if now - started >= self.window_seconds:
            started, count = now, 0
        if count >= self.per_minute:
            retry_after = max(1, int(self.window_seconds - (now - started)) + 1)
            raise rate_limited(retry_after)
        self._windows[client] = (started, count + 1)
        if len(self._windows) > 100_000:  # bound the memory a scan of addresses can take
            self._windows = {
                key: value
                for key, value in self._windows.items()
                if now - value[0] < self.window_seconds
            }
