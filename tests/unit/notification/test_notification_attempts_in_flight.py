"""The emails a crash can leave sent but unrecorded (made again, same Message-ID) are bounded per
process, however many callers make attempts at once (three consumer workers per topic and the
retry round): `make chaos` found 118 sent twice after one kill -9, the bound being 48."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from skilleval_notification.deliveries.attempts import CHUNK, CHUNKS_AT_ONCE, Attempt, Attempts
from skilleval_notification.deliveries.model import Delivery
from skilleval_notification.settings import NotificationSettings
from support.notification_samples import holder_delivery

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
CALLERS = 3
PER_CALLER = 200


def delivery(n: int) -> Delivery:
    delivered: Delivery = holder_delivery(
        n, event_type="cn.skilleval.certification.certificate.issued.v1", created_at=NOW
    )
    return delivered


class Pool:
    """An SMTP pool that accepts everything and counts what it sent."""

    def __init__(self) -> None:
        self.sent = 0

    async def send(self, sender: str, recipient: str, message: bytes) -> None:
        await asyncio.sleep(0)
        self.sent += 1


class Recorded:
    """Claims and collections that count the attempts whose outcome was written."""

    def __init__(self) -> None:
        self.outcomes = 0

    async def record_many(self, outcomes: Iterable[Any]) -> None:
        self.outcomes += len(list(outcomes))

    async def bulk_write(self, writes: list[Any], ordered: bool = True) -> None:
        return None


async def test_at_most_the_chunks_in_flight_are_sent_unrecorded_across_callers() -> None:
    pool, recorded = Pool(), Recorded()
    bulk_writes = asyncio.Lock()

    async def announce(result: Any) -> None:
        return None

    attempts = Attempts(
        settings=NotificationSettings(),
        pool=pool,  # type: ignore[arg-type]
        claims=recorded,  # type: ignore[arg-type]
        log=recorded,  # type: ignore[arg-type]
        retries=recorded,  # type: ignore[arg-type]
        announce=announce,
        bulk_writes=bulk_writes,
    )
    batches = [
        [Attempt(delivery(c * PER_CALLER + i), 1, 10, queued=False) for i in range(PER_CALLER)]
        for c in range(CALLERS)
    ]
    # Recording stalls (the database is slow, or the process is about to be killed): whatever
    # has been sent by then is what a crash would leave unrecorded.
    await bulk_writes.acquire()
    callers = [asyncio.create_task(attempts.make(batch)) for batch in batches]
    for _ in range(200):
        await asyncio.sleep(0)
    assert recorded.outcomes == 0
    assert 0 < pool.sent <= CHUNK * CHUNKS_AT_ONCE, pool.sent

    bulk_writes.release()
    results = await asyncio.gather(*callers)
    assert [len(r) for r in results] == [PER_CALLER] * CALLERS
    assert pool.sent == recorded.outcomes == CALLERS * PER_CALLER
