"""The commit protocol under the faults a real deployment meets, on the real database and Kafka:
an insert whose reply is lost, a writer that dies or stalls between its pointer and its commit,
a slow snapshot overtaken by a newer commit, racing first upserts, oversize events and commits.

Faults are injected by wrapping the real collections; every read and write still goes to the
real database. Fault tests with real killed processes are in ``test_storage_kill.py``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from faststream.kafka import KafkaBroker
from pymongo.errors import AutoReconnect, DuplicateKeyError, OperationFailure

from skilleval_shared import topics
from skilleval_shared.envelope import wrap
from skilleval_shared.storage.aggregates import (
    AggregateStore,
    CommitOutcomeUnknown,
    CommitTooLarge,
    commit_id,
)
from skilleval_shared.storage.outbox import OutboxRelay
from skilleval_shared.topics import ensure_topics
from support.kafka import read_until
from support.probe_event import ProbeRecorded

pytestmark = pytest.mark.integration

USCC = "91350100M000100Y43"


class Wrapped:
    """A real collection with some of its methods replaced."""

    def __init__(self, real: Any, **replaced: Callable[..., Awaitable[Any]]) -> None:
        self._real = real
        self._replaced = replaced

    def __getattr__(self, name: str) -> Any:
        return self._replaced.get(name) or getattr(self._real, name)


def probe(note: str, probe_id: str = "p1") -> Any:
    return wrap(ProbeRecorded(uscc=USCC, probe_id=probe_id, note=note))


@pytest.fixture
def settings(make_settings):
    return make_settings("filing", outbox_fence_seconds=0.0)


@pytest.fixture
def db(mongo, settings):
    return mongo[settings.database_name]


async def relay_everything(db, settings) -> list[str]:
    """Relay what the outbox holds (fencing what is pending); the notes that reached Kafka."""
    await ensure_topics(settings)
    broker = KafkaBroker(settings.kafka_bootstrap_servers)
    await broker.start()
    try:
        relay = OutboxRelay(db, broker, settings, holder="test")
        for _ in range(3):  # a first pass starts the fence clock of pending pointers
            await relay.relay_once()
    finally:
        await broker.stop()
    records = await read_until(
        settings.kafka_bootstrap_servers,
        settings.topic(topics.FILING_EVENTS),
        lambda got: False,
        timeout=3,
    )
    return [record.json()["data"]["note"] for record in records]


async def test_a_commit_whose_reply_was_lost_is_recognised_and_its_events_published(db, settings):
    store = AggregateStore(db, "probe")
    real_insert = store.commits.insert_one

    async def lands_then_connection_drops(document: Any) -> None:
        await real_insert(document)
        raise AutoReconnect("connection reset by peer")

    store.commits = Wrapped(store.commits, insert_one=lands_then_connection_drops)
    committed = await store.commit("p1", 0, {"done": True}, [probe("lost-reply")])

    assert committed.version == 1
    loaded = await AggregateStore(db, "probe").load("p1")
    assert loaded is not None and loaded.state == {"done": True}
    assert await relay_everything(db, settings) == ["lost-reply"]


async def test_a_commit_that_never_landed_is_fenced_and_its_version_skipped(db, settings):
    store = AggregateStore(db, "probe")

    async def never_answers(document: Any) -> None:
        raise AutoReconnect("connection refused")

    store.commits = Wrapped(store.commits, insert_one=never_answers)
    with pytest.raises(AutoReconnect):
        await store.commit("p1", 0, {"done": True}, [probe("never-committed")])

    assert await db["outbox"].count_documents({}) == 1  # the pointer waits for its outcome
    assert await relay_everything(db, settings) == []
    assert await db["outbox"].count_documents({}) == 0
    void = await db["commits"].find_one({"_id": commit_id("probe", "p1", 1)})
    assert void is not None and void["nonce"] == "void"
    assert await AggregateStore(db, "probe").load("p1") is None

    # The void carries no state: a new writer that saw nothing commits after it.
    again = await AggregateStore(db, "probe").commit("p1", 0, {"n": 2}, [probe("after-void")])
    assert again.version == 2
    loaded = await AggregateStore(db, "probe").load("p1")
    assert loaded is not None and (loaded.version, loaded.state) == (2, {"n": 2})
    assert await relay_everything(db, settings) == ["after-void"]


async def test_a_writer_that_stalled_past_the_fence_commits_at_the_next_version(db, settings):
    store = AggregateStore(db, "probe")
    await store.commit("p1", 0, {"step": 1}, [probe("first")])
    in_flight, release = asyncio.Event(), asyncio.Event()
    real_insert = store.commits.insert_one

    async def very_late(document: Any) -> None:
        if document["_id"] == commit_id("probe", "p1", 2):
            in_flight.set()  # the pointer is in; the commit is on its way
            await release.wait()
        await real_insert(document)

    store.commits = Wrapped(store.commits, insert_one=very_late)
    writer = asyncio.create_task(store.commit("p1", 1, {"step": 2}, [probe("late")]))
    await asyncio.wait_for(in_flight.wait(), timeout=10)
    assert await relay_everything(db, settings) == ["first"]  # version 2 fenced meanwhile
    release.set()
    committed = await writer

    assert committed.version == 3
    loaded = await AggregateStore(db, "probe").load("p1")
    assert loaded is not None and (loaded.version, loaded.state) == (3, {"step": 2})
    notes = await relay_everything(db, settings)
    assert notes == ["first", "late"]


async def test_a_pending_pointer_holds_up_no_other_aggregate(make_settings, mongo):
    settings = make_settings("filing", outbox_fence_seconds=3600)
    db = mongo[settings.database_name]
    stuck = AggregateStore(db, "probe")
    in_flight = asyncio.Event()

    async def hangs(document: Any) -> None:
        in_flight.set()
        await asyncio.Event().wait()

    stuck.commits = Wrapped(stuck.commits, insert_one=hangs)
    writer = asyncio.create_task(stuck.commit("a", 0, {}, [probe("stuck", "a")]))
    await asyncio.wait_for(in_flight.wait(), timeout=10)
    free = AggregateStore(db, "probe")
    for n in range(3):
        await free.commit(f"b{n}", 0, {}, [probe(f"free-{n}", f"b{n}")])

    assert await relay_everything(db, settings) == ["free-0", "free-1", "free-2"]
    assert await db["outbox"].count_documents({}) == 1  # only the stuck writer's pointer
    writer.cancel()


async def test_a_definite_error_after_a_lost_reply_is_an_unknown_outcome(db, settings):
    store = AggregateStore(db, "probe")
    real_insert = store.commits.insert_one
    attempts = 0

    async def lands_then_fails_differently(document: Any) -> None:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            await real_insert(document)
            raise AutoReconnect("connection reset by peer")
        raise OperationFailure("not writable primary", 10107)

    store.commits = Wrapped(store.commits, insert_one=lands_then_fails_differently)
    with pytest.raises(CommitOutcomeUnknown):
        await store.commit("p1", 0, {"done": True}, [probe("landed-first-time")])

    assert await relay_everything(db, settings) == ["landed-first-time"]


async def test_a_slow_snapshot_write_never_outlives_a_newer_commit(db):
    slow = AggregateStore(db, "probe")
    fast = AggregateStore(db, "probe")
    await fast.commit("p1", 0, {"step": 1})
    committed, release = asyncio.Event(), asyncio.Event()
    real_replace = slow.snapshots.replace_one

    async def delayed(*args: Any, **kwargs: Any) -> Any:
        committed.set()  # the commit is in; only its snapshot write is held back
        await release.wait()
        return await real_replace(*args, **kwargs)

    slow.snapshots = Wrapped(slow.snapshots, replace_one=delayed)
    writer = asyncio.create_task(slow.commit("p1", 1, {"step": 2}))
    await committed.wait()
    newer = await fast.load("p1")
    assert newer is not None and newer.version == 2
    await fast.commit("p1", 2, {"step": 3})
    release.set()  # the slow writer's snapshot of version 2 lands last
    await writer

    snapshot = await db["probe"].find_one({"_id": "p1"})
    assert (snapshot["version"], snapshot["state"]) == (3, {"step": 3})


async def test_racing_first_snapshot_upserts_do_not_fail_a_commit(db):
    store = AggregateStore(db, "probe")
    real_replace = store.snapshots.replace_one
    calls: list[bool] = []

    async def other_upsert_won(filter: Any, document: Any, upsert: bool = False) -> Any:
        calls.append(upsert)
        if upsert:
            await db["probe"].insert_one(dict(document) | {"version": 0})
            raise DuplicateKeyError("E11000 duplicate key error", 11000)
        return await real_replace(filter, document, upsert=upsert)

    store.snapshots = Wrapped(store.snapshots, replace_one=other_upsert_won)
    committed = await store.commit("p1", 0, {"step": 1})

    assert committed.version == 1 and calls[:2] == [True, False]
    snapshot = await db["probe"].find_one({"_id": "p1"})
    assert snapshot["version"] == 1


async def test_the_relay_repairs_a_snapshot_the_writer_never_wrote(db, settings):
    """A scan of snapshots must not miss a committed state: the relay rolls it forward."""
    committed: list[int] = []
    store = AggregateStore(db, "probe", on_commit=lambda: committed.append(1))

    async def database_hiccup(*args: Any, **kwargs: Any) -> Any:
        raise AutoReconnect("connection reset by peer")

    store.snapshots = Wrapped(store.snapshots, replace_one=database_hiccup)
    aggregate = await store.commit("p1", 0, {"done": True}, [probe("snapshot-failed")])
    await store.commit("p2", 0, {"done": True})  # no events: still repaired

    assert aggregate.version == 1 and committed == [1, 1]
    assert await db["probe"].count_documents({}) == 0
    assert await relay_everything(db, settings) == ["snapshot-failed"]
    scanned = await db["probe"].find({"state.done": True}).to_list(10)
    assert sorted(s["_id"] for s in scanned) == ["p1", "p2"]


async def test_an_event_over_the_message_limit_is_refused_before_anything_is_written(db):
    store = AggregateStore(db, "probe")
    with pytest.raises(CommitTooLarge, match="262144"):
        await store.commit("p1", 0, {}, [probe("大" * 100_000)])
    for name in ("outbox", "commits", "probe"):
        assert await db[name].count_documents({}) == 0


async def test_a_commit_of_many_large_events_is_split_and_published_in_order(db, settings):
    store = AggregateStore(db, "probe")
    events = [probe(f"{n:03d}" + "行" * 40_000) for n in range(60)]  # ~7 MB of events
    await store.commit("p1", 0, {}, events)

    commit = await db["commits"].find_one({"_id": commit_id("probe", "p1", 1)})
    assert commit["parts"] >= 2 and commit["events"] == []
    notes = await relay_everything(db, settings)
    assert [note[:3] for note in notes] == [f"{n:03d}" for n in range(60)]


async def test_events_carry_sequence_correlation_and_causation(db, settings):
    from skilleval_shared.observability import correlation_scope

    store = AggregateStore(db, "probe")
    with correlation_scope("corr-1", caused_by="request-1"):
        await store.commit("p1", 0, {}, [probe("a"), probe("b")])
        await store.commit("p1", 1, {}, [probe("c")])
    await relay_everything(db, settings)
    records = await read_until(
        settings.kafka_bootstrap_servers,
        settings.topic(topics.FILING_EVENTS),
        lambda got: len(got) >= 3,
        timeout=10,
    )
    values = [record.json() for record in records]
    assert [v["sequence"] for v in values] == ["1000", "1001", "2000"]
    assert {v["correlationid"] for v in values} == {"corr-1"}
    assert {v["causationid"] for v in values} == {"request-1"}


async def test_a_commit_whose_parts_take_longer_than_the_fence_still_lands(
    db, settings, monkeypatch
):
    """Regression: the parts of a big commit used to be written after its pointer, so a relay
    whose fence ran out meanwhile voided the version, and the writer's every retry met the same
    fate (a 10,000-row import never landed). Parts now precede the pointer."""
    from skilleval_shared.storage import aggregates, oversize

    # Every event in a part of its own, as in a commit of several megabytes.
    monkeypatch.setattr(
        aggregates, "split_events", lambda entries: oversize.split_events(entries, budget=1)
    )
    await ensure_topics(settings)
    broker = KafkaBroker(settings.kafka_bootstrap_servers)
    await broker.start()
    relay = OutboxRelay(db, broker, settings, holder="test")  # fence after 0 s
    store = AggregateStore(db, "probe")
    real_insert = store.commits.insert_one

    async def slow_parts(document: Any) -> Any:
        if "#" in document["_id"]:  # a part: the relay runs (and would fence) meanwhile
            for _ in range(2):
                await relay.relay_once()
        return await real_insert(document)

    store.commits = Wrapped(store.commits, insert_one=slow_parts)
    try:
        events = [probe(f"big-{n}") for n in range(3)]
        committed = await asyncio.wait_for(store.commit("p1", 0, {"big": True}, events), 30)
    finally:
        await broker.stop()

    assert committed.version == 1
    assert await db["commits"].count_documents({"nonce": "void"}) == 0
    assert await relay_everything(db, settings) == ["big-0", "big-1", "big-2"]
