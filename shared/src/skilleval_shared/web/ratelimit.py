"""Per-key fixed-window counters in process memory, and the per-client rate limit for public
endpoints built on them."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from fastapi import Request

from skilleval_shared.problems import rate_limited

MAX_KEYS = 100_000  # bounds the memory a scan of addresses or a spray of names can take


class WindowCounts:
    """How many times each key was counted in its current window of ``window_seconds``; a key's
    window starts at its first count and its count restarts when the window has passed."""

    def __init__(self, window_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.window_seconds = window_seconds
        self.clock = clock
        self._windows: dict[str, tuple[float, int]] = {}

    def current(self, key: str) -> tuple[int, float]:
        """The key's count in its window, and the seconds left until the window ends."""
        started, count = self._windows.get(key, (0.0, 0))
        left = self.window_seconds - (self.clock() - started)
        return (count, left) if count and left > 0 else (0, 0.0)

    def add(self, key: str) -> None:
        now = self.clock()
        started, count = self._windows.get(key, (now, 0))
        if now - started >= self.window_seconds:
            started, count = now, 0
        self._windows[key] = (started, count + 1)
        if len(self._windows) > MAX_KEYS:
            self._windows = {
                name: value
                for name, value in self._windows.items()
                if now - value[0] < self.window_seconds
            }

    def clear(self, key: str) -> None:
        self._windows.pop(key, None)


class RateLimit:
    """Use as a FastAPI dependency: ``Depends(RateLimit(20))`` allows 20 calls a minute."""

    def __init__(self, per_minute: int, *, window_seconds: float = 60.0) -> None:
        self.per_minute = per_minute
        self.counts = WindowCounts(window_seconds)

    async def __call__(self, request: Request) -> None:
        client = request.client.host if request.client else "unknown"
        count, left = self.counts.current(client)
        if count >= self.per_minute:
            raise rate_limited(max(1, math.ceil(left)))
        self.counts.add(client)
