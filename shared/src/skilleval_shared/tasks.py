"""Background work that repeats until the service stops, and stops reliably."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")


async def gather_limited(calls: Iterable[Awaitable[T]], limit: int) -> list[T]:
    """Await ``calls`` with at most ``limit`` in flight; results in the order given.

    ``limit`` workers take the calls in turn. When the gather is cancelled or a call fails,
    the calls no worker has started are closed: a coroutine left unawaited is a warning (the
    outbox relay's, stopped mid-pass, printed one in CI).
    """
    queue = iter(list(enumerate(calls)))
    results: list[Any] = []

    async def worker() -> None:
        for index, call in queue:
            result = await call
            results.append((index, result))

    try:
        await asyncio.gather(*(worker() for _ in range(max(1, limit))))
    finally:
        for _, call in queue:
            if asyncio.iscoroutine(call):
                call.close()
    return [result for _, result in sorted(results, key=lambda pair: pair[0])]


class Periodic:
    """Run ``work`` every ``interval_seconds`` (sooner when woken) until ``stop``.

    Stopping sets a flag before cancelling: a database driver can turn a cancellation that lands
    in its network I/O into an error of its own, which a retrying loop would log and survive.
    """

    def __init__(
        self, name: str, work: Callable[[], Awaitable[object]], interval_seconds: float
    ) -> None:
        self.name = name
        self.work = work
        self.interval_seconds = interval_seconds
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is None:
            return
        while not self._task.done():
            self._task.cancel()
            await asyncio.wait({self._task}, timeout=1.0)
        self._task = None

    async def _run(self) -> None:
        while not self._stopping:
            try:
                await self.work()
            except Exception:
                if self._stopping:
                    return
                logger.exception("%s failed; retrying", self.name)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.interval_seconds):
                    await self._wake.wait()
            self._wake.clear()
