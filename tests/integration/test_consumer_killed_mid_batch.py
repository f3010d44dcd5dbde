"""A consumer process SIGKILLed in the middle of a batch, then restarted: nothing lost, and only
the events of batches that never finished are handled a second time."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from skilleval_shared import topics
from skilleval_shared.topics import ensure_topics
from support.batches import (
    as_message,
    committed_offsets,
    end_offsets,
    number_of,
    numbered_events,
    produce_many,
)
from support.kafka import eventually

pytestmark = pytest.mark.integration

SCRIPT = Path(__file__).parents[1] / "support" / "batch_consumer_process.py"
EVENTS = 3000


async def spawn(settings: Any, log: Path, run: str, *extra: str) -> asyncio.subprocess.Process:
    env = dict(os.environ) | {
        "SERVICE_NAME": settings.service_name,
        "ENVIRONMENT": "test",
        "NAMESPACE": settings.namespace,
        "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
        "MONGODB_URL": settings.mongodb_url,
        "TOPIC_PARTITIONS": str(settings.topic_partitions),
        "CONSUMER_WORKERS": str(settings.consumer_workers),
    }
    with log.open("ab") as stream:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            str(SCRIPT),
            run,
            *extra,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=stream,
        )


async def wait_for_line(process: asyncio.subprocess.Process, wanted: str, log: Path) -> None:
    assert process.stdout is not None
    async with asyncio.timeout(120):
        while (line := await process.stdout.readline()) != b"":
            if line.decode().strip() == wanted:
                return
    raise AssertionError(f"process ended before {wanted!r}:\n{tail(log)}")


def tail(log: Path) -> str:
    return log.read_text()[-4000:]


async def kill(process: asyncio.subprocess.Process) -> None:
    os.kill(process.pid, signal.SIGKILL)
    assert await process.wait() == -signal.SIGKILL


async def claims_and_done(db: Any) -> tuple[dict[str, str], set[str]]:
    """The guard's records: event id → claiming batch, and the batches recorded as done."""
    claims: dict[str, str] = {}
    done: set[str] = set()
    async for doc in db["processed"].find({}):
        rest = doc["_id"].removeprefix("registry:")
        if rest.startswith("batch:"):
            done.add(rest.removeprefix("batch:"))
        else:
            assert rest not in claims
            claims[rest] = doc["batch"]
    return claims, done


async def test_consumer_killed_mid_batch_loses_nothing_and_repeats_only_unfinished_batches(
    make_settings, mongo, tmp_path
):
    settings = make_settings("registry", topic_partitions=3, consumer_workers=2)
    db = mongo[settings.database_name]
    topic = settings.topic(topics.FILING_EVENTS)
    events = numbered_events(EVENTS)
    await ensure_topics(settings)
    await produce_many(
        settings.kafka_bootstrap_servers,
        topic,
        [as_message(event, f"key-{number_of(event) % 30}") for event in events],
    )
    log = tmp_path / "consumer.log"

    first = await spawn(settings, log, "1", "1200")
    try:
        await wait_for_line(first, "holding", log)
    finally:
        await kill(first)
    claims, done = await claims_and_done(db)
    unfinished = {event_id for event_id, batch in claims.items() if batch not in done}
    assert unfinished, "the kill was to land inside a batch"
    finished = set(claims) - unfinished
    assert await db["effects"].count_documents({}) >= 1200
    assert await db["results"].count_documents({}) < EVENTS

    second = await spawn(settings, log, "2")
    try:
        await wait_for_line(second, "consuming", log)
        ends = await end_offsets(settings.kafka_bootstrap_servers, topic, 3)
        await eventually(lambda: _committed(settings, topic, ends), timeout=120, interval=0.5)
    finally:
        await kill(second)

    every = {event.id for event in events}
    assert {doc["_id"] async for doc in db["results"].find({}, {"_id": 1})} == every
    runs: dict[str, list[str]] = {}
    async for effect in db["effects"].find({}):
        runs.setdefault(effect["event"], []).append(effect["run"])
    assert set(runs) == every  # nothing lost
    repeated = {event_id for event_id, seen in runs.items() if len(seen) > 1}
    assert repeated <= unfinished
    assert not {event_id for event_id in finished if "2" in runs[event_id]}
    assert Counter(len(seen) for seen in runs.values())[1] >= EVENTS - len(unfinished)
    claims, done = await claims_and_done(db)
    assert set(claims) == every  # the guard records each event once
    assert set(claims.values()) <= done


async def _committed(settings: Any, topic: str, ends: dict[int, int]) -> bool:
    committed = await committed_offsets(
        settings.kafka_bootstrap_servers, settings.consumer_group, topic
    )
    return committed == ends
