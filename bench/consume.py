"""Consumption throughput: the consumer pipeline with a batch handler against raw aiokafka.

The same ``events`` messages (about 600 bytes each, keyed over 64 keys) are read three ways:
by a plain aiokafka consumer that only fetches (the ceiling), by ``EventConsumer`` with a batch
handler and no guard (parsing, routing, commits), and with the bulk idempotency guard, as the
services run it. Each reads with one Kafka consumer, from when it has its partitions (with
several consumers per topic, the later ones' joins would pause the first ones mid-measurement);
the pipeline handles the partitions of one consumer side by side.
"""

from __future__ import annotations

import asyncio
import time
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from skilleval_shared import topics
from skilleval_shared.envelope import CloudEvent, wrap
from skilleval_shared.events.filing import FilingSuspended
from skilleval_shared.messaging import EventConsumer, kafka_headers, make_broker
from skilleval_shared.settings import Settings
from skilleval_shared.storage.idempotency import ProcessedGuard
from skilleval_shared.storage.mongo import database, make_client
from skilleval_shared.topics import ensure_topics

KEYS = 64
REASON = "因未按期提交年度自查报告且现场检查发现考评记录不完整，暂停其评价资质，责令限期整改。" * 2


async def measure_batch_consume(settings: Settings, events: int) -> dict[str, float]:
    await ensure_topics(settings)
    topic = settings.topic(topics.FILING_EVENTS)
    size = await _produce(settings, topic, events)
    raw = await _raw_consume(settings, topic, events)
    bare = await _pipeline_consume(settings, events, guarded=False)
    guarded = await _pipeline_consume(settings, events, guarded=True)
    return {
        "event_bytes": size,
        "raw_aiokafka_per_s": raw,
        "batch_handler_no_guard_per_s": bare,
        "batch_handler_per_s": guarded,
        "batch_handler_vs_raw": guarded / raw,
    }


async def _produce(settings: Settings, topic: str, events: int) -> float:
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers, linger_ms=5, enable_idempotence=True
    )
    await producer.start()
    total = 0
    try:
        sent = []
        for n in range(events):
            event = wrap(
                FilingSuspended(
                    uscc="91350100M000100Y43",
                    filing_id=f"F-{n:08d}",
                    decided_by="staff-1",
                    reason=REASON,
                )
            )
            value = event.to_json_bytes()
            total += len(value)
            headers = [(k, v.encode()) for k, v in kafka_headers(event).items()]
            key = f"key-{n % KEYS}".encode()
            sent.append(await producer.send(topic, value, key=key, headers=headers))
        await asyncio.gather(*sent)
    finally:
        await producer.stop()
    return total / events


async def _raw_consume(settings: Settings, topic: str, events: int) -> float:
    partitions = [TopicPartition(topic, p) for p in range(settings.topic_partitions)]
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers, enable_auto_commit=False
    )
    consumer.assign(partitions)
    await consumer.start()
    try:
        await consumer.seek_to_beginning(*partitions)
        started = time.perf_counter()
        seen = 0
        while seen < events:
            batch = await consumer.getmany(timeout_ms=1000, max_records=500)
            seen += sum(len(records) for records in batch.values())
        return events / (time.perf_counter() - started)
    finally:
        await consumer.stop()


async def _pipeline_consume(settings: Settings, events: int, *, guarded: bool) -> float:
    """Through ``EventConsumer`` in a fresh consumer group, from the topic's beginning."""
    group = settings.model_copy(
        update={"service_name": "bench" + uuid.uuid4().hex[:6], "consumer_workers": 1}
    )
    client = make_client(group)
    broker = make_broker(group)
    guard = ProcessedGuard(database(client, group)["processed"], group.service_name)
    consumer = EventConsumer(settings=group, broker=broker, guard=guard if guarded else None)
    handled = 0
    done = asyncio.Event()

    @consumer.on_batch(FilingSuspended)
    async def count(batch: list[CloudEvent[FilingSuspended]]) -> None:
        nonlocal handled
        handled += len(batch)
        if handled >= events:
            done.set()

    consumer.subscribe(topics.FILING_EVENTS)
    try:
        await broker.start()  # returns once the consumer has its partitions
        started = time.perf_counter()
        await asyncio.wait_for(done.wait(), timeout=600)
        return events / (time.perf_counter() - started)
    finally:
        await broker.stop()
        await client.drop_database(group.database_name)
        await client.close()
