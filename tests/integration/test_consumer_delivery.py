"""The consumer pipeline on real Kafka and the real database: dedupe, retry, DLQ, keep going."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from skilleval_shared import topics
from skilleval_shared.envelope import CONTENT_TYPE, CloudEvent, wrap
from skilleval_shared.events.filing import FilingFiled
from skilleval_shared.messaging import EventConsumer, kafka_headers, make_broker
from skilleval_shared.storage.idempotency import ProcessedGuard
from skilleval_shared.topics import ensure_topics
from support.filing_samples import filing_filed
from support.kafka import eventually, produce, read_until
from support.samples import OTHER_USCC, USCC

pytestmark = pytest.mark.integration


class Harness:
    """A consumer whose handler counts deliveries in the database (a non-idempotent effect)."""

    def __init__(self, settings: Any, db: Any, fail_for: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.settings = settings
        self.db = db
        self.fail_for = fail_for
        self.attempts: dict[str, int] = {}
        self.broker = make_broker(settings)
        self.consumer = EventConsumer(
            settings=settings,
            broker=self.broker,
            guard=ProcessedGuard(db["processed"], settings.service_name),
        )
        self.consumer.on(FilingFiled)(self.handle)
        self.consumer.subscribe(topics.FILING_EVENTS)

    async def handle(self, event: CloudEvent[Any]) -> None:
        uscc = event.data.uscc
        self.attempts[uscc] = self.attempts.get(uscc, 0) + 1
        if uscc in self.fail_for:
            raise RuntimeError("数据库暂时不可用")
        await self.db["counts"].update_one({"_id": uscc}, {"$inc": {"n": 1}}, upsert=True)

    async def count(self, uscc: str) -> int:
        found = await self.db["counts"].find_one({"_id": uscc})
        return int(found["n"]) if found else 0

    async def __aenter__(self) -> Harness:
        await ensure_topics(self.settings)
        await self.broker.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.broker.stop()


@pytest.fixture
def settings(make_settings):
    return make_settings("registry", consumer_max_attempts=3)


@pytest.fixture
def db(mongo, settings):
    return mongo[settings.database_name]


async def publish_raw(settings, value: bytes, key: bytes = USCC.encode(), headers=None) -> None:
    await produce(
        settings.kafka_bootstrap_servers,
        settings.topic(topics.FILING_EVENTS),
        value,
        key=key,
        headers=headers,
    )


async def test_the_same_message_delivered_twice_changes_nothing(settings, db):
    event = wrap(filing_filed())
    async with Harness(settings, db) as harness:
        for _ in range(2):
            await publish_raw(settings, event.to_json_bytes(), headers=kafka_headers(event))
        marker = wrap(filing_filed(OTHER_USCC))  # published last: once it is handled, both were
        await publish_raw(settings, marker.to_json_bytes(), key=OTHER_USCC.encode())
        await eventually(lambda: harness.count(OTHER_USCC))
        await asyncio.sleep(0.5)
    assert await harness.count(USCC) == 1
    assert harness.attempts[USCC] == 1


async def test_poison_message_goes_to_dlq_and_consumer_keeps_consuming(settings, db):
    async with Harness(settings, db) as harness:
        await publish_raw(
            settings, b'{"specversion": "1.0", "type": "cn.skilleval.filing.filing.filed.v1"'
        )
        await publish_raw(
            settings,
            b'{"specversion":"1.0","type":"cn.skilleval.filing.filing.filed.v1",'
            b'"id":"x","source":"/skilleval/filing","data":{"uscc":"bad"}}',
        )
        healthy = wrap(filing_filed())
        await publish_raw(settings, healthy.to_json_bytes())
        await eventually(lambda: harness.count(USCC))
    dead = await read_until(
        settings.kafka_bootstrap_servers,
        settings.topic(topics.dlq("registry")),
        lambda got: len(got) >= 2,
    )
    assert len(dead) == 2
    assert {record.headers["x-dlq-error-type"] for record in dead} == {
        "JSONDecodeError",
        "ValidationError",
    }
    assert all(
        record.headers["x-dlq-original-topic"] == settings.topic(topics.FILING_EVENTS)
        for record in dead
    )


async def publish_record(settings, value: bytes, headers: list[tuple[str, bytes | None]]) -> None:
    """Publish with header values as raw bytes (or null), which ``produce`` cannot express."""
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers)
    await producer.start()
    try:
        await producer.send_and_wait(
            settings.topic(topics.FILING_EVENTS), value, key=USCC.encode(), headers=headers
        )
    finally:
        await producer.stop()


async def committed_offset(settings) -> int | None:
    """The offset the service's consumer group committed on the (single) partition."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=settings.consumer_group,
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        offset: int | None = await consumer.committed(
            TopicPartition(settings.topic(topics.FILING_EVENTS), 0)
        )
        return offset
    finally:
        await consumer.stop()


async def commits(harness: Harness, offset: int) -> bool:
    """Flush the pending offsets (the test harness runs no committer) and check the commit."""
    # The handler's effect is visible a moment before the consumer notes the offset as handled.
    await harness.consumer.offsets.flush()
    return await committed_offset(harness.settings) == offset


STRUCTURED = ("content-type", CONTENT_TYPE.encode())
# A well-formed event of a handled type: only its header makes it poison.
WELL_FORMED = wrap(filing_filed(OTHER_USCC)).to_json_bytes()


@pytest.mark.parametrize(
    ("poison", "headers", "error_type"),
    [
        # A type that is not a string: it was looked up in a dict and the TypeError made the
        # consumer rewind to the same message forever.
        (b'{"specversion":"1.0","type":["x"]}', [STRUCTURED], "UnknownEventType"),
        (b'{"specversion":"1.0","type":{"a":1}}', [STRUCTURED], "UnknownEventType"),
        # The rest failed inside FastStream, before our code ran: it dropped the message
        # without a word and the next event committed past it.
        (WELL_FORMED, [STRUCTURED, ("x-trace", b"\xff\xfe")], "UnicodeDecodeError"),
        (
            b'{"specversion": "1.0", "type": "cn.skilleval.filing.filing.filed.v1"',
            [("content-type", b"application/json")],
            "JSONDecodeError",
        ),
        (b"[" * 100_000 + b"]" * 100_000, [], "RecursionError"),
        # A null header value, legal in Kafka: copying it into the DLQ record failed, which
        # rewound to the same message forever.
        (b"not json", [("x-empty", None)], "JSONDecodeError"),
    ],
    ids=[
        "type-is-a-list",
        "type-is-an-object",
        "header-not-utf8",
        "truncated-json-declared-json",
        "json-nested-too-deep",
        "null-header-value",
    ],
)
async def test_poison_is_dead_lettered_once_and_the_next_event_handled(
    settings, db, poison, headers, error_type
):
    healthy = wrap(filing_filed())
    async with Harness(settings, db) as harness:
        await publish_record(settings, poison, headers)  # offset 0
        await publish_record(settings, healthy.to_json_bytes(), [STRUCTURED])  # offset 1
        await eventually(lambda: harness.count(USCC))
        await eventually(lambda: commits(harness, 2))  # past the poison: nothing left behind
    assert await harness.count(USCC) == 1
    assert harness.attempts == {USCC: 1}
    dead = await read_until(
        settings.kafka_bootstrap_servers,
        settings.topic(topics.dlq("registry")),
        lambda got: len(got) > 1,
        timeout=3,
    )
    assert len(dead) == 1  # once: neither dropped nor dead-lettered on every redelivery
    assert dead[0].value == poison
    assert dead[0].headers["x-dlq-error-type"] == error_type
    assert dead[0].headers["x-dlq-attempts"] == "0"
    assert dead[0].headers["x-dlq-original-offset"] == "0"
    assert dead[0].headers["x-dlq-original-topic"] == settings.topic(topics.FILING_EVENTS)
    assert {key for key, _ in headers} <= dead[0].headers.keys()


async def test_a_header_without_value_does_not_stop_the_event(make_settings, mongo):
    # Kafka allows null header values; FastStream's own parser fails on them. Two workers, so
    # the record carries its own consumer (FastStream's concurrent subscriber sets it there):
    # the lenient parse must keep it, since offsets are committed through it.
    settings = make_settings("registry", consumer_workers=2)
    db = mongo[settings.database_name]
    async with Harness(settings, db) as harness:
        event = wrap(filing_filed())
        await publish_record(settings, event.to_json_bytes(), [STRUCTURED, ("x-empty", None)])
        await eventually(lambda: harness.count(USCC))
        await eventually(lambda: commits(harness, 1))
    dead = await read_until(
        settings.kafka_bootstrap_servers,
        settings.topic(topics.dlq("registry")),
        lambda got: False,
        timeout=2,
    )
    assert dead == []


async def test_handler_failing_every_retry_is_dead_lettered_after_bounded_attempts(settings, db):
    async with Harness(settings, db, fail_for={OTHER_USCC}) as harness:
        failing = wrap(filing_filed(OTHER_USCC))
        await publish_raw(settings, failing.to_json_bytes(), key=OTHER_USCC.encode())
        after = wrap(filing_filed())
        await publish_raw(
            settings, after.to_json_bytes(), key=OTHER_USCC.encode()
        )  # same partition
        await eventually(lambda: harness.count(USCC))
    assert harness.attempts[OTHER_USCC] == settings.consumer_max_attempts
    dead = await read_until(
        settings.kafka_bootstrap_servers,
        settings.topic(topics.dlq("registry")),
        lambda got: len(got) >= 1,
    )
    assert [record.json()["id"] for record in dead] == [failing.id]
    assert dead[0].headers["x-dlq-attempts"] == "3"
    assert "数据库暂时不可用" in dead[0].headers["x-dlq-error"]
    assert not await db["processed"].find_one({"_id": f"registry:{failing.id}"})


async def test_events_of_types_without_handler_are_skipped_not_dead_lettered(settings, db):
    from skilleval_shared.events.filing import FilingSuspended

    other = FilingSuspended.model_validate(
        {"uscc": USCC, "filing_id": "F-1", "decided_by": "staff-1", "reason": "整改"}
    )
    async with Harness(settings, db) as harness:
        await publish_raw(settings, wrap(other).to_json_bytes())
        await publish_raw(settings, wrap(filing_filed()).to_json_bytes())
        await eventually(lambda: harness.count(USCC))
    dead = await read_until(
        settings.kafka_bootstrap_servers,
        settings.topic(topics.dlq("registry")),
        lambda got: False,
        timeout=3,
    )
    assert dead == []


async def test_partitions_are_handled_side_by_side_each_in_order(make_settings, mongo):
    # Two workers, two partitions: a handler stuck on partition 0 must not hold back partition
    # 1, while the events within each partition are still handled strictly in order.
    settings = make_settings("registry", topic_partitions=2, consumer_workers=2)
    db = mongo[settings.database_name]
    release = asyncio.Event()
    handled: list[tuple[int, str]] = []
    broker = make_broker(settings)
    consumer = EventConsumer(
        settings=settings, broker=broker, guard=ProcessedGuard(db["processed"], "registry")
    )

    @consumer.on(FilingFiled)
    async def handle(event: CloudEvent[Any]) -> None:
        partition = int(event.data.institution_serial[-1]) % 2
        if event.data.institution_serial == "000010":
            await release.wait()
        handled.append((partition, event.data.institution_serial))

    consumer.subscribe(topics.FILING_EVENTS)
    await ensure_topics(settings)
    await broker.start()
    try:
        # Serials ending in an even digit go to partition 0, odd to partition 1.
        for serial in ("000010", "000012", "000011", "000013", "000015"):
            event = wrap(filing_filed(serial=serial))
            await produce(
                settings.kafka_bootstrap_servers,
                settings.topic(topics.FILING_EVENTS),
                event.to_json_bytes(),
                key=USCC.encode(),
                partition=int(serial[-1]) % 2,
            )
        await eventually(lambda: len(handled) == 3)
        assert handled == [(1, "000011"), (1, "000013"), (1, "000015")]
        release.set()
        await eventually(lambda: len(handled) == 5)
        assert handled[3:] == [(0, "000010"), (0, "000012")]
    finally:
        release.set()
        await broker.stop()
