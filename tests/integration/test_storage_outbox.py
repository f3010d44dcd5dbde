"""The storage rules against the real database and Kafka: unique-insert commits and the outbox."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from cloudevents.v1.kafka import KafkaMessage, from_structured
from faststream.kafka import KafkaBroker

from skilleval_shared import topics
from skilleval_shared.envelope import utc_now, wrap
from skilleval_shared.storage.aggregates import AggregateStore, ConcurrentUpdate, commit_id
from skilleval_shared.storage.outbox import OutboxRelay
from skilleval_shared.topics import ensure_topics
from support.kafka import read_until
from support.probe_event import ProbeRecorded

pytestmark = pytest.mark.integration

USCC = "91350100M000100Y43"


def probe(probe_id: str, note: str = "") -> ProbeRecorded:
    return ProbeRecorded(uscc=USCC, probe_id=probe_id, note=note)


@pytest.fixture
def settings(make_settings):
    return make_settings("filing")


@pytest.fixture
def db(mongo, settings):
    return mongo[settings.database_name]


async def test_commit_then_load_returns_latest_state(db):
    store = AggregateStore(db, "probe")
    await store.commit("p1", 0, {"step": 1})
    await store.commit("p1", 1, {"step": 2})
    loaded = await store.load("p1")
    assert loaded is not None
    assert (loaded.version, loaded.state) == (2, {"step": 2})


async def test_stale_writer_is_refused_and_changes_nothing(db):
    store = AggregateStore(db, "probe")
    await store.commit("p1", 0, {"owner": "first"}, [wrap(probe("p1"))])
    with pytest.raises(ConcurrentUpdate):
        await store.commit("p1", 0, {"owner": "second"}, [wrap(probe("p1"))])
    loaded = await store.load("p1")
    assert loaded is not None and loaded.state == {"owner": "first"}
    # the loser wrote the same pointer as the winner: one pointer, the winner's events
    assert await db["outbox"].count_documents({}) == 1


async def test_concurrent_writers_to_one_version_have_exactly_one_winner(db):
    store = AggregateStore(db, "probe")
    results = await asyncio.gather(
        *(store.commit("race", 0, {"writer": n}) for n in range(12)), return_exceptions=True
    )
    winners = [r for r in results if not isinstance(r, Exception)]
    assert len(winners) == 1
    assert all(isinstance(r, ConcurrentUpdate) for r in results if isinstance(r, Exception))
    loaded = await store.load("race")
    assert loaded is not None and loaded.state == winners[0].state


async def test_load_rolls_forward_a_commit_whose_snapshot_was_never_written(db):
    store = AggregateStore(db, "probe")
    await store.commit("p1", 0, {"step": 1})
    # A writer died right after its commit point, before writing the snapshot.
    await db["commits"].insert_one(
        {"_id": commit_id("probe", "p1", 2), "version": 2, "nonce": "n", "state": {"step": 2}}
    )
    loaded = await store.load("p1")
    assert loaded is not None and (loaded.version, loaded.state) == (2, {"step": 2})
    snapshot = await db["probe"].find_one({"_id": "p1"})
    assert snapshot is not None and snapshot["version"] == 2


async def test_relay_publishes_committed_events_once_as_cloudevents(db, settings):
    await ensure_topics(settings)
    broker = KafkaBroker(settings.kafka_bootstrap_servers)
    await broker.start()
    try:
        store = AggregateStore(db, "probe")
        events = [wrap(probe(f"p{n}", note=f"第{n}条")) for n in range(3)]
        for n, event in enumerate(events):
            await store.commit(f"p{n}", 0, {"n": n}, [event])
        relay = OutboxRelay(db, broker, settings)
        assert await relay.relay_once() == 3
        assert await relay.relay_once() == 0
    finally:
        await broker.stop()
    records = await read_until(
        settings.kafka_bootstrap_servers,
        settings.topic(topics.FILING_EVENTS),
        lambda got: len(got) >= 3,
        timeout=20,
    )
    await asyncio.sleep(1)
    assert [r.json()["id"] for r in records] == [e.id for e in events]
    for record in records:
        assert record.key == USCC.encode()
        headers = {k: v.encode() for k, v in record.headers.items()}
        parsed = from_structured(KafkaMessage(headers=headers, key=record.key, value=record.value))
        assert parsed["type"] == "cn.skilleval.filing.probe.recorded.v1"
        assert parsed["source"] == "/skilleval/filing"


async def test_a_race_losers_events_are_never_published(db, settings):
    await ensure_topics(settings)
    store = AggregateStore(db, "probe")
    await store.commit("p1", 0, {"winner": True}, [wrap(probe("p1", "winner"))])
    with pytest.raises(ConcurrentUpdate):
        await store.commit("p1", 0, {"winner": False}, [wrap(probe("p1", "loser"))])
    broker = KafkaBroker(settings.kafka_bootstrap_servers)
    await broker.start()
    try:
        relay = OutboxRelay(db, broker, settings)
        assert await relay.relay_once() == 1
    finally:
        await broker.stop()
    assert await db["outbox"].count_documents({}) == 0
    records = await read_until(
        settings.kafka_bootstrap_servers,
        settings.topic(topics.FILING_EVENTS),
        lambda got: False,
        timeout=4,
    )
    assert [r.json()["data"].get("note") for r in records] == ["winner"], records


async def test_event_committed_just_before_a_kill_is_relayed_after_restart(db, settings, infra):
    script = Path(__file__).parents[1] / "support" / "crash_after_commit.py"
    result = subprocess.run(
        [sys.executable, str(script), infra.mongodb_url, settings.database_name, "doomed"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(script.parent), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == -9, result.stderr
    event_id = result.stdout.strip()
    assert await db["outbox"].count_documents({}) == 1

    await ensure_topics(settings)
    broker = KafkaBroker(settings.kafka_bootstrap_servers)
    await broker.start()
    relay = OutboxRelay(db, broker, settings)
    relay.start()
    try:
        records = await read_until(
            settings.kafka_bootstrap_servers,
            settings.topic(topics.FILING_EVENTS),
            lambda got: len(got) >= 1,
            timeout=20,
        )
    finally:
        await relay.stop()
        await broker.stop()
    assert [r.json()["id"] for r in records] == [event_id]


async def test_a_late_race_loser_never_republishes_the_winners_events(db, settings):
    from skilleval_shared.storage.aggregates import pointer_id

    await ensure_topics(settings)
    store = AggregateStore(db, "probe")
    await store.commit("p1", 0, {"winner": True}, [wrap(probe("p1", "winner"))])
    broker = KafkaBroker(settings.kafka_bootstrap_servers)
    await broker.start()
    try:
        relay = OutboxRelay(db, broker, settings)
        assert await relay.relay_once() == 1  # published and settled
        # A loser that tries the same version afterwards, and one killed before it could
        # delete its pointer.
        with pytest.raises(ConcurrentUpdate):
            await store.commit("p1", 0, {"winner": False}, [wrap(probe("p1", "loser"))])
        await db["outbox"].insert_one(
            {
                "_id": pointer_id("probe", "p1", 1, "dead-loser"),
                "commit": commit_id("probe", "p1", 1),
                "nonce": "dead-loser",
                "kind": "probe",
                "aggregate": "p1",
                "at": utc_now(),
            }
        )
        assert await relay.relay_once() == 1
        assert await db["outbox"].count_documents({}) == 0
    finally:
        await broker.stop()
    records = await read_until(
        settings.kafka_bootstrap_servers,
        settings.topic(topics.FILING_EVENTS),
        lambda got: False,
        timeout=4,
    )
    assert [r.json()["data"].get("note") for r in records] == ["winner"]


async def test_a_pointer_without_events_is_settled_by_the_snapshot_alone(db, settings):
    """A commit with no events has nothing to publish: once its aggregate's snapshot is at or
    past its version the relay settles its pointer without reading (or voiding) the commit."""
    await ensure_topics(settings)
    store = AggregateStore(db, "probe")
    await store.commit_many([("q1", 0, {"step": 1}, []), ("q2", 0, {"step": 1}, [])])
    # its writer removed each pointer once the snapshot was written: nothing for the relay
    assert await db["outbox"].count_documents({}) == 0
    for name in ("q1", "q2"):  # as a writer that died before removing them leaves them
        await db["outbox"].insert_one(
            {
                "_id": f"probe:{name}:000000000001#n",
                "commit": commit_id("probe", name, 1),
                "nonce": "n",
                "kind": "probe",
                "aggregate": name,
                "version": 1,
                "events": 0,
                "at": utc_now(),
            }
        )
    # q2's commit is gone (as if its reader could not see it): only the snapshot can settle it
    await db["commits"].delete_one({"_id": commit_id("probe", "q2", 1)})
    broker = KafkaBroker(settings.kafka_bootstrap_servers)
    await broker.start()
    try:
        relay = OutboxRelay(db, broker, settings)
        relay.fence_seconds = 0  # a pointer that had to wait for its commit would be voided now
        assert await relay.relay_once() == 2
    finally:
        await broker.stop()
    assert await db["outbox"].count_documents({}) == 0
    assert await db["commits"].find_one({"_id": commit_id("probe", "q2", 1)}) is None  # no void


async def test_a_backlog_drains_in_each_aggregates_version_order_past_waiting_pointers(
    db, settings
):
    """Batches come in the outbox's natural (insertion) order, unsorted: one aggregate's
    versions spread over several batches still go out in version order, and pointers still
    waiting for their commits at the head of the outbox hold nothing else up."""
    from skilleval_shared.storage.outbox import BATCH

    await ensure_topics(settings)
    store = AggregateStore(db, "probe")
    for n in range(5):  # pointers whose writers never committed (yet): at the head, waiting
        await db["outbox"].insert_one(
            {
                "_id": f"probe:w{n}:000000000001#x",
                "commit": commit_id("probe", f"w{n}", 1),
                "nonce": "x",
                "kind": "probe",
                "aggregate": f"w{n}",
                "version": 1,
                "events": 1,
                "at": utc_now(),
            }
        )
    changes = []
    for n in range(BATCH * 2 + 100):
        changes.append((f"b{n}", 0, {"n": n}, []))
    await store.commit_many(changes[:BATCH])
    await store.commit("a", 0, {"v": 1}, [wrap(probe("a", "v1"))])
    await store.commit_many(changes[BATCH : BATCH * 2])
    await store.commit("a", 1, {"v": 2}, [wrap(probe("a", "v2"))])
    await store.commit_many(changes[BATCH * 2 :])
    await store.commit("a", 2, {"v": 3}, [wrap(probe("a", "v3"))])
    broker = KafkaBroker(settings.kafka_bootstrap_servers)
    await broker.start()
    try:
        relay = OutboxRelay(db, broker, settings)
        await relay.relay_all()
    finally:
        await broker.stop()
    left = await db["outbox"].find({}).limit(100).to_list(100)
    assert sorted(p["aggregate"] for p in left) == [f"w{n}" for n in range(5)]
    records = await read_until(
        settings.kafka_bootstrap_servers,
        settings.topic(topics.FILING_EVENTS),
        lambda got: len(got) >= 3,
        timeout=20,
    )
    assert [r.json()["data"]["note"] for r in records] == ["v1", "v2", "v3"]
