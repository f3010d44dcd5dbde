"""A value loaded at most once per time-to-live, shared by concurrent callers.

For public lists that would otherwise be a full collection scan per request on FerretDB (only
``_id`` lookups use an index there): the scan happens once per TTL per replica, whatever the
traffic, and callers arriving during a load wait for that load instead of starting their own.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class TimedValue(Generic[T]):
    def __init__(
        self,
        load: Callable[[], Awaitable[T]],
        ttl_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._value: T | None = None
        self._expires = float("-inf")
        self._lock = asyncio.Lock()
        # Bumped by ``invalidate``: a load that started before it must not count as fresh.
        self._generation = 0

    def _fresh(self) -> bool:
        return self._value is not None and self._clock() < self._expires

    async def get(self) -> T:
        if self.ttl_seconds <= 0:
            return await self._load()
        if self._fresh():
            assert self._value is not None
            return self._value
        async with self._lock:
            if not self._fresh():
                generation = self._generation
                value = await self._load()
                if generation == self._generation:
                    self._value = value
                    self._expires = self._clock() + self.ttl_seconds
                return value
        assert self._value is not None
        return self._value

    def invalidate(self) -> None:
        """Forget the value: the next ``get`` loads (after a local change this replica made)."""
        self._generation += 1
        self._expires = float("-inf")
