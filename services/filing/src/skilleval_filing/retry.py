"""Re-deciding a command when another writer committed the same aggregate first.

Each attempt reloads and decides again from the fresh state, so a retry is always correct; only
when the aggregate keeps moving does the caller get ``ConcurrentUpdate`` (a 409).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from skilleval_shared.storage.aggregates import ConcurrentUpdate

T = TypeVar("T")
ATTEMPTS = 5


async def on_conflict(attempt: Callable[[], Awaitable[T]], attempts: int = ATTEMPTS) -> T:
    for remaining in range(attempts - 1, -1, -1):
        try:
            return await attempt()
        except ConcurrentUpdate:
            if remaining == 0:
                raise
    raise AssertionError("unreachable")
