"""The commit protocol under the faults a real deployment meets, on the real database and Kafka:
an insert whose reply is lost, a writer that stalls past the relay's patience, a slow snapshot
write overtaken by a newer commit, racing first upserts, a writer whose clock is behind.

Faults are injected by wrapping the real collections; every read and write still goes to the
real database."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from faststream.kafka import KafkaBroker
from pymongo.errors import AutoReconnect, DuplicateKeyError

from skilleval_shared import topics
from skilleval_shared.envelope import utc_now, wrap
from skilleval_shared.storage.aggregates import AggregateStore, commit_id
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


def probe(note: str) -> Any:
    return wrap(ProbeRecorded(uscc=USCC, probe_id="p1", note=note))


@pytest.fixture
def settings(make_settings):
    return make_settings("filing")


@pytest.fixture
def db(mongo, settings):
    return mongo[settings.database_name]


async def relay_everything(db, settings, **relay_options: Any) -> list[str]:
    """Relay what the outbox holds; the notes of the events that reached Kafka."""
    await ensure_topics(settings)
    broker = KafkaBroker(settings.kafka_bootstrap_servers)
    await broker.start()
    try:
        relay = OutboxRelay(db, broker, settings, **relay_options)
        while await relay.relay_once():
            pass
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


async def test_a_commit_that_may_have_failed_keeps_its_marker_for_the_relay(db, settings):
    store = AggregateStore(db, "probe")

    async def never_answers(document: Any) -> None:
        raise AutoReconnect("connection refused")

    store.commits = Wrapped(store.commits, insert_one=never_answers)
    with pytest.raises(AutoReconnect):
        await store.commit("p1", 0, {"done": True}, [probe("never-committed")])

    # The marker stays: the relay decides by the commit, which is not there, so nothing goes out.
    assert await db["outbox"].count_documents({}) == 1
    assert await relay_everything(db, settings, abandoned_after=timedelta(0)) == []
    assert await db["outbox"].count_documents({}) == 0
    assert await AggregateStore(db, "probe").load("p1") is None


async def test_a_writer_that_stalled_past_the_relay_puts_its_marker_back(db, settings):
    store = AggregateStore(db, "probe")
    store.slow_commit_seconds = 0  # every commit counts as slow here
    real_insert = store.commits.insert_one

    async def stalls_while_the_relay_gives_up(document: Any) -> None:
        # Meanwhile a relay judged the marker abandoned and deleted it.
        await db["outbox"].delete_many({})
        await real_insert(document)

    store.commits = Wrapped(store.commits, insert_one=stalls_while_the_relay_gives_up)
    await store.commit("p1", 0, {"done": True}, [probe("stalled")])

    assert await relay_everything(db, settings) == ["stalled"]


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


async def test_a_writer_whose_clock_is_behind_still_orders_after_the_previous_version(db):
    store = AggregateStore(db, "probe")
    await store.commit("p1", 0, {"step": 1}, [probe("first")])
    # The first writer's host ran ahead: its commit claims to be a minute in the future.
    ahead = utc_now() + timedelta(minutes=1)
    await db["commits"].update_one({"_id": commit_id("probe", "p1", 1)}, {"$set": {"at": ahead}})
    await db["outbox"].update_many({}, {"$set": {"at": ahead}})

    await store.commit("p1", 1, {"step": 2}, [probe("second")])

    markers = await db["outbox"].find({}).sort([("at", 1), ("_id", 1)]).to_list(10)
    assert [marker["events"][0]["value"]["data"]["note"] for marker in markers] == [
        "first",
        "second",
    ]


async def test_the_relay_judges_abandonment_by_its_own_clock_not_the_writers(db, settings):
    store = AggregateStore(db, "probe")
    started = asyncio.Event()
    release = asyncio.Event()
    real_insert = store.commits.insert_one

    async def between_marker_and_commit(document: Any) -> None:
        started.set()
        await release.wait()
        await real_insert(document)

    store.commits = Wrapped(store.commits, insert_one=between_marker_and_commit)
    writer = asyncio.create_task(store.commit("p1", 0, {"done": True}, [probe("behind")]))
    await started.wait()
    # The writer's host clock is ten minutes behind: its marker looks old, but it is not.
    await db["outbox"].update_many({}, {"$set": {"at": utc_now() - timedelta(minutes=10)}})
    await ensure_topics(settings)
    broker = KafkaBroker(settings.kafka_bootstrap_servers)
    await broker.start()
    try:
        relay = OutboxRelay(db, broker, settings)
        assert await relay.relay_once() == 0  # waits for the writer instead of dropping it
        release.set()
        await writer
        assert await relay.relay_once() == 1
    finally:
        await broker.stop()
    records = await read_until(
        settings.kafka_bootstrap_servers,
        settings.topic(topics.FILING_EVENTS),
        lambda got: len(got) >= 1,
        timeout=10,
    )
    assert [record.json()["data"]["note"] for record in records] == ["behind"]


async def test_a_definite_error_after_a_lost_reply_still_keeps_the_marker(db, settings):
    from pymongo.errors import OperationFailure

    from skilleval_shared.storage.aggregates import CommitOutcomeUnknown

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


async def test_an_ambiguous_failure_after_a_stall_puts_the_marker_back(db, settings):
    store = AggregateStore(db, "probe")
    store.slow_commit_seconds = 0
    real_insert = store.commits.insert_one

    landed = False

    async def relay_gave_up_then_every_reply_lost(document: Any) -> None:
        nonlocal landed
        if not landed:
            await db["outbox"].delete_many({})
            await real_insert(document)
            landed = True
        raise AutoReconnect("connection reset by peer")

    store.commits = Wrapped(store.commits, insert_one=relay_gave_up_then_every_reply_lost)
    with pytest.raises(AutoReconnect):
        await store.commit("p1", 0, {"done": True}, [probe("stalled-and-lost")])

    assert await relay_everything(db, settings) == ["stalled-and-lost"]


async def test_a_failing_snapshot_after_the_commit_point_does_not_fail_the_commit(db, settings):
    committed: list[int] = []
    store = AggregateStore(db, "probe", on_commit=lambda: committed.append(1))

    async def database_hiccup(*args: Any, **kwargs: Any) -> Any:
        raise AutoReconnect("connection reset by peer")

    store.snapshots = Wrapped(store.snapshots, replace_one=database_hiccup)
    aggregate = await store.commit("p1", 0, {"done": True}, [probe("snapshot-failed")])

    assert aggregate.version == 1 and committed == [1]
    loaded = await AggregateStore(db, "probe").load("p1")
    assert loaded is not None and loaded.state == {"done": True}
    assert await relay_everything(db, settings) == ["snapshot-failed"]


async def test_a_commit_that_lands_after_the_relay_gave_up_is_still_published(db, settings):
    store = AggregateStore(db, "probe")
    in_flight, release = asyncio.Event(), asyncio.Event()
    real_insert = store.commits.insert_one

    async def very_late(document: Any) -> None:
        in_flight.set()  # the marker is in; the commit is on its way
        await release.wait()
        await real_insert(document)

    store.commits = Wrapped(store.commits, insert_one=very_late)
    store.slow_commit_seconds = 3600  # the writer does not notice: only the relay can save it
    writer = asyncio.create_task(store.commit("p1", 0, {"done": True}, [probe("very-late")]))
    await asyncio.wait_for(in_flight.wait(), timeout=10)
    await ensure_topics(settings)
    broker = KafkaBroker(settings.kafka_bootstrap_servers)
    await broker.start()
    try:
        relay = OutboxRelay(db, broker, settings, abandoned_after=timedelta(0))
        assert await relay.relay_once() == 1  # judged abandoned, set aside
        assert await db["outbox"].count_documents({}) == 0
        release.set()
        await writer
        # A later pass (possibly after a relay restart) finds the commit after all.
        assert await OutboxRelay(db, broker, settings).relay_once() == 0
    finally:
        await broker.stop()
    records = await read_until(
        settings.kafka_bootstrap_servers,
        settings.topic(topics.FILING_EVENTS),
        lambda got: len(got) >= 1,
        timeout=10,
    )
    assert [record.json()["data"]["note"] for record in records] == ["very-late"]
    assert await db["outbox_set_aside"].count_documents({}) == 0
