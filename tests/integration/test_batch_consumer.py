"""Batch handlers on real Kafka and the real database: batches, order, dedupe, DLQ, commits."""

from __future__ import annotations

import asyncio
import importlib.util
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from skilleval_shared import topics
from skilleval_shared.envelope import CloudEvent, wrap
from skilleval_shared.events.filing import FilingFiled, FilingSuspended
from skilleval_shared.messaging import EventConsumer, make_broker
from skilleval_shared.storage.idempotency import ProcessedGuard
from skilleval_shared.topics import ensure_topics
from support.batches import (
    as_message,
    committed_offsets,
    number_of,
    numbered_events,
    produce_many,
)
from support.kafka import eventually, read_until
from support.samples import USCC

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


class Batches:
    """A consumer with one batch handler that records every call and may fail for some events."""

    def __init__(self, settings: Any, db: Any, fail_for: frozenset[str] = frozenset()) -> None:
        self.settings = settings
        self.db = db
        self.fail_for = fail_for
        self.calls: list[list[CloudEvent[Any]]] = []
        self.handled: list[CloudEvent[Any]] = []
        self.hold = asyncio.Event()
        self.hold.set()
        self.broker = make_broker(settings)
        self.consumer = EventConsumer(
            settings=settings,
            broker=self.broker,
            guard=ProcessedGuard(db["processed"], settings.service_name),
        )
        self.consumer.on_batch(FilingFiled)(self.handle)
        self.consumer.subscribe(topics.FILING_EVENTS)

    async def handle(self, events: list[CloudEvent[Any]]) -> None:
        self.calls.append(events)
        await self.hold.wait()
        if any(event.id in self.fail_for for event in events):
            raise RuntimeError("数据库暂时不可用")
        self.handled.extend(events)

    async def publish(self, events: list[CloudEvent[Any]], key: str = USCC) -> None:
        await produce_many(
            self.settings.kafka_bootstrap_servers,
            self.topic,
            [as_message(event, key) for event in events],
        )

    @property
    def topic(self) -> str:
        return self.settings.topic(topics.FILING_EVENTS)

    async def committed(self) -> dict[int, int]:
        return await committed_offsets(
            self.settings.kafka_bootstrap_servers, self.settings.consumer_group, self.topic
        )

    async def __aenter__(self) -> Batches:
        await ensure_topics(self.settings)
        await self.broker.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.hold.set()
        await self.broker.stop()


@pytest.fixture
def settings(make_settings):
    return make_settings("registry", consumer_max_attempts=3)


@pytest.fixture
def db(mongo, settings):
    return mongo[settings.database_name]


async def test_events_arrive_in_batches_in_key_order_each_once(make_settings, mongo):
    settings = make_settings("registry", topic_partitions=3, consumer_workers=2)
    events = numbered_events(2000)
    batches = Batches(settings, mongo[settings.database_name])
    await ensure_topics(settings)
    # All on the topic before the consumer starts, so that fetches return many at once.
    await produce_many(
        settings.kafka_bootstrap_servers,
        batches.topic,
        [as_message(event, f"key-{number_of(event) % 16}") for event in events],
    )
    async with batches:
        await eventually(lambda: len(batches.handled) >= 2000)
        await asyncio.sleep(0.5)
    assert Counter(event.id for event in batches.handled) == Counter(e.id for e in events)
    assert len(batches.calls) <= 2000 / 10, "events came one by one, not in batches"
    for key in range(16):
        numbers = [number_of(e) for e in batches.handled if number_of(e) % 16 == key]
        assert numbers == sorted(numbers), f"key-{key} out of order"


async def test_a_redelivered_or_replayed_event_is_skipped(settings, db):
    events = numbered_events(20)
    async with Batches(settings, db) as first:
        await first.publish(events)
        await eventually(lambda: len(first.handled) == 20)
        await first.publish(events[:5])  # replayed: the same ids at new offsets
        await eventually(lambda: _committed_to(first, 25))
    assert len(first.handled) == 20
    # Redelivered: the group starts over from the beginning, as after a lost commit.
    await _rewind_group(settings, first.topic)
    async with Batches(settings, db) as second:
        marker = numbered_events(1, start=100)
        await second.publish(marker)
        await eventually(lambda: len(second.handled) == 1)
    assert [event.id for event in second.handled] == [marker[0].id]
    assert sum(map(len, second.calls)) == 1


async def test_the_same_event_twice_in_one_batch_is_handled_once(settings, db):
    event = numbered_events(1)[0]
    batches = Batches(settings, db)
    await ensure_topics(settings)
    await batches.publish([event, event])
    async with batches:
        await eventually(lambda: _committed_to(batches, 2))
    assert [[e.id for e in call] for call in batches.calls] == [[event.id]]


async def test_an_event_claimed_by_a_batch_that_never_finished_is_handled_again(settings, db):
    # A claim whose batch has no "done" record: the process died mid-batch, or a rebalance
    # handed the partition over meanwhile. Its event is handled again; then it is done.
    event = numbered_events(1)[0]
    await db["processed"].insert_one({"_id": f"registry:{event.id}", "batch": "crashed"})
    async with Batches(settings, db) as batches:
        await batches.publish([event])
        await eventually(lambda: len(batches.handled) == 1)
        await batches.publish([event])
        await eventually(lambda: _committed_to(batches, 2))
    assert [e.id for e in batches.handled] == [event.id]
    claim = await db["processed"].find_one({"_id": f"registry:{event.id}"})
    assert claim is not None and claim["batch"] != "crashed"
    assert await db["processed"].find_one({"_id": f"registry:batch:{claim['batch']}"})


async def test_one_failing_event_in_a_batch_alone_goes_to_the_dlq(settings, db):
    events = numbered_events(40)
    bad = events[17]
    batches = Batches(settings, db, fail_for=frozenset({bad.id}))
    await ensure_topics(settings)
    poison = (USCC.encode(), b'{"specversion": "1.0"', [])
    await produce_many(
        settings.kafka_bootstrap_servers,
        batches.topic,
        [*(as_message(e, USCC) for e in events[:30]), poison]
        + [as_message(e, USCC) for e in events[30:]],
    )
    async with batches:
        await eventually(lambda: _committed_to(batches, 41))
    assert len(batches.calls[0]) > 1
    assert [e.id for e in batches.handled] == [e.id for e in events if e is not bad]
    assert sum(call == [bad] for call in batches.calls) == settings.consumer_max_attempts
    dead = await read_until(
        settings.kafka_bootstrap_servers,
        settings.topic(topics.dlq("registry")),
        lambda got: len(got) >= 3,
        timeout=3,
    )
    assert sorted(record.headers["x-dlq-original-offset"] for record in dead) == ["17", "30"]
    failed = next(record for record in dead if record.headers["x-dlq-attempts"] != "0")
    assert failed.json()["id"] == bad.id
    assert failed.headers["x-dlq-attempts"] == "3"
    assert "数据库暂时不可用" in failed.headers["x-dlq-error"]
    # A replay of the dead letter must be handled, not skipped as done.
    assert not await db["processed"].find_one({"_id": f"registry:{bad.id}"})


async def test_offsets_are_committed_only_after_the_batch_is_handled(settings, db):
    events = numbered_events(30)
    batches = Batches(settings, db)
    batches.hold.clear()
    await ensure_topics(settings)
    await batches.publish(events)
    async with batches:
        await eventually(lambda: batches.calls)
        await asyncio.sleep(1.5)  # several commit intervals of the old per-message committer
        assert await batches.committed() == {}
        assert batches.handled == []
        batches.hold.set()
        await eventually(lambda: _committed_to(batches, 30))
    assert len(batches.handled) == 30


async def test_per_event_and_batch_handlers_share_a_partition_in_offset_order(settings, db):
    order: list[tuple[str, str]] = []
    broker = make_broker(settings)
    consumer = EventConsumer(
        settings=settings, broker=broker, guard=ProcessedGuard(db["processed"], "registry")
    )

    @consumer.on_batch(FilingFiled)
    async def filed(events: list[CloudEvent[Any]]) -> None:
        order.extend(("batch", event.id) for event in events)

    @consumer.on(FilingSuspended)
    async def suspended(event: CloudEvent[Any]) -> None:
        order.append(("one", event.id))

    consumer.subscribe(topics.FILING_EVENTS)
    suspension = FilingSuspended.model_validate(
        {"uscc": USCC, "filing_id": "F-1", "decided_by": "staff-1", "reason": "整改"}
    )
    sent = [*numbered_events(3), wrap(suspension), *numbered_events(2, start=3), wrap(suspension)]
    await ensure_topics(settings)
    await produce_many(
        settings.kafka_bootstrap_servers,
        settings.topic(topics.FILING_EVENTS),
        [as_message(event, USCC) for event in sent],
    )
    await broker.start()
    try:
        await eventually(lambda: len(order) == len(sent))
    finally:
        await broker.stop()
    assert [event_id for _, event_id in order] == [event.id for event in sent]


async def test_throughput_of_a_batch_handler_against_raw_consume(make_settings):
    # As the services run: six partitions, three consumers per topic.
    settings = make_settings("registry", topic_partitions=6, consumer_workers=3)
    spec = importlib.util.spec_from_file_location("bench_consume", REPO / "bench" / "consume.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    figures = await bench.measure_batch_consume(settings, 10_000)
    print("\nconsume throughput (10,000 events):", figures)
    assert figures["batch_handler_per_s"] > 0


async def _committed_to(batches: Batches, offset: int) -> bool:
    return await batches.committed() == {0: offset}


async def _rewind_group(settings: Any, topic: str) -> None:
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=settings.consumer_group,
        enable_auto_commit=False,
    )
    consumer.assign([TopicPartition(topic, 0)])
    await consumer.start()
    try:
        await consumer.commit({TopicPartition(topic, 0): 0})
    finally:
        await consumer.stop()
