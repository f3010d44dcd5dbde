"""The core's own paths on the same payloads as the floor: commit, relay, allocate."""

from __future__ import annotations

import asyncio
import json
import time

from bench.consume import measure_batch_consume
from bench.rows import roster_row
from skilleval_shared.envelope import wrap
from skilleval_shared.messaging import make_broker
from skilleval_shared.settings import Settings
from skilleval_shared.storage.aggregates import AggregateStore
from skilleval_shared.storage.mongo import database, make_client
from skilleval_shared.storage.outbox import OutboxRelay
from skilleval_shared.storage.sequences import BlockAllocator
from skilleval_shared.topics import ensure_topics
from support.probe_event import ProbeRecorded

USCC = "91350100M000100Y43"
CONCURRENT_WRITERS = 32


def row_event(n: int) -> object:
    note = json.dumps(roster_row(n), ensure_ascii=False)
    return wrap(ProbeRecorded(uscc=USCC, probe_id=f"row-{n}", note=note))


async def commit_and_relay(settings: Settings, count: int, per_commit: int) -> dict[str, float]:
    """Seconds to commit ``count`` row events, ``per_commit`` to a commit (32 writers at once),
    then to relay them all to Kafka."""
    await ensure_topics(settings)
    client = make_client(settings)
    db = database(client, settings)
    broker = make_broker(settings)
    await broker.start()
    try:
        store = AggregateStore(db, "bench")
        events = [row_event(n) for n in range(count)]
        batches = [events[i : i + per_commit] for i in range(0, count, per_commit)]
        limit = asyncio.Semaphore(CONCURRENT_WRITERS)

        async def commit(n: int) -> None:
            async with limit:
                await store.commit(f"agg-{n}", 0, {"n": n}, batches[n])  # type: ignore[arg-type]

        started = time.perf_counter()
        await asyncio.gather(*(commit(n) for n in range(len(batches))))
        commit_seconds = time.perf_counter() - started
        relay = OutboxRelay(db, broker, settings, holder="bench")
        started = time.perf_counter()
        while await relay.relay_once():
            pass
        relay_seconds = time.perf_counter() - started
    finally:
        await broker.stop()
        await client.drop_database(settings.database_name)
        await client.close()
    return {"commit_s": commit_seconds, "relay_s": relay_seconds}


async def allocate(settings: Settings, count: int, block: int = 100) -> dict[str, float]:
    """Seconds to allocate ``count`` numbers of one series as blocks of ``block`` (a roster's
    chunks, numbered side by side)."""
    client = make_client(settings)
    allocator = BlockAllocator(database(client, settings)["sequences"])
    try:
        started = time.perf_counter()
        ranges = await asyncio.gather(
            *(
                allocator.allocate("Y000037123456:26:4", f"chunk-{n}", block)
                for n in range(count // block)
            )
        )
        seconds = time.perf_counter() - started
        assert len({number for r in ranges for number in r}) == count
    finally:
        await client.drop_database(settings.database_name)
        await client.close()
    return {"allocate_s": seconds}


async def batch_consume(settings: Settings, count: int) -> dict[str, float]:
    """Seconds for a batch handler with the bulk guard to take ``count`` events off Kafka."""
    measured = await measure_batch_consume(settings, count)
    return {"batch_consume_s": count / measured["batch_handler_per_s"]}
