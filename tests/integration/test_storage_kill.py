"""The commit protocol and the relay with real processes killed by SIGKILL."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from skilleval_shared import topics
from skilleval_shared.envelope import wrap
from skilleval_shared.storage.aggregates import AggregateStore, commit_id
from skilleval_shared.topics import ensure_topics
from support.kafka import read_until
from support.probe_event import ProbeRecorded

pytestmark = pytest.mark.integration

SUPPORT = Path(__file__).parents[1] / "support"
USCC = "91350100M000100Y43"


def probe(probe_id: str, note: str) -> object:
    return wrap(ProbeRecorded(uscc=USCC, probe_id=probe_id, note=note))


@pytest.fixture
def settings(make_settings):
    return make_settings("filing")


@pytest.fixture
def db(mongo, settings):
    return mongo[settings.database_name]


def relay_process(settings, holder: str) -> subprocess.Popen[str]:
    env = dict(os.environ) | {
        "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
        "MONGODB_URL": settings.mongodb_url,
        "NAMESPACE": settings.namespace,
        "OUTBOX_POLL_SECONDS": "0.1",
        "OUTBOX_LEASE_SECONDS": "2",
        "OUTBOX_FENCE_SECONDS": "2",
        "PYTHONPATH": str(SUPPORT),
    }
    process = subprocess.Popen(
        [sys.executable, str(SUPPORT / "run_relay.py"), holder],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "started"
    return process


def stop(*processes: subprocess.Popen[str]) -> None:
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


async def notes_on_kafka(settings, done, timeout: float = 20.0) -> list[str]:
    records = await read_until(
        settings.kafka_bootstrap_servers,
        settings.topic(topics.FILING_EVENTS),
        lambda got: done([r.json()["data"]["note"] for r in got]),
        timeout=timeout,
    )
    return [record.json()["data"]["note"] for record in records]


async def test_a_writer_killed_between_pointer_and_commit_delays_no_other_aggregate(
    db, settings, infra
):
    await ensure_topics(settings)
    relay = relay_process(settings, "relay-a")
    try:
        doomed = subprocess.run(
            [
                sys.executable,
                str(SUPPORT / "die_before_commit.py"),
                infra.mongodb_url,
                settings.database_name,
                "doomed",
            ],
            env=dict(os.environ) | {"PYTHONPATH": str(SUPPORT)},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert doomed.returncode == -signal.SIGKILL, doomed.stderr
        assert await db["outbox"].count_documents({}) == 1  # its pointer, and no commit

        started = time.monotonic()
        store = AggregateStore(db, "probe")
        for n in range(20):
            await store.commit(f"other-{n}", 0, {}, [probe(f"other-{n}", f"other-{n}")])
        wanted = {f"other-{n}" for n in range(20)}
        notes = await notes_on_kafka(settings, lambda got: wanted <= set(got))
        assert wanted <= set(notes)
        assert time.monotonic() - started < 5.0

        # The dead writer's version gets a definite outcome: fenced, and nothing published.
        for _ in range(50):
            if not await db["outbox"].count_documents({}):
                break
            await asyncio.sleep(0.2)
        assert await db["outbox"].count_documents({}) == 0
        void = await db["commits"].find_one({"_id": commit_id("probe", "doomed", 1)})
        assert void is not None and void["nonce"] == "void"
        assert "doomed" not in notes
    finally:
        stop(relay)


async def test_two_relays_publish_each_event_once_and_a_standby_takes_over_a_killed_one(
    db, settings
):
    await ensure_topics(settings)
    first, second = relay_process(settings, "relay-a"), relay_process(settings, "relay-b")
    try:
        store = AggregateStore(db, "probe")
        await asyncio.gather(
            *(store.commit(f"p{n}", 0, {}, [probe(f"p{n}", f"one-{n}")]) for n in range(300))
        )
        notes = await notes_on_kafka(settings, lambda got: len(got) >= 300)
        await asyncio.sleep(2)  # time for any second copy to show
        notes = await notes_on_kafka(settings, lambda got: False, timeout=3)
        assert Counter(notes) == Counter(f"one-{n}" for n in range(300))

        holder = await db["leases"].find({}).sort("_id", -1).limit(1).to_list(1)
        killed = first if holder[0]["holder"] == "relay-a" else second
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=10)
        for n in range(100):
            await store.commit(f"q{n}", 0, {}, [probe(f"q{n}", f"two-{n}")])
        wanted = {f"two-{n}" for n in range(100)}
        notes = await notes_on_kafka(settings, lambda got: wanted <= set(got), timeout=20)
        assert wanted <= set(notes)  # the standby took over: nothing lost
    finally:
        stop(first, second)
