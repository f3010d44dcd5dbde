"""The raw floor: what Kafka and the database do with no code of ours in between.

Every core path is reported as a ratio to these, measured in the same run on the same
messages and documents (``rows.py``), so a number means the same on any machine.
"""

from __future__ import annotations

import time

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from bench.rows import roster_row, row_bytes
from skilleval_shared.settings import Settings
from skilleval_shared.storage.mongo import database, make_client
from skilleval_shared.topics import ensure_topics

FLOOR_TOPIC = "bench.floor.v1"
GETS = 2000


async def produce_and_consume(settings: Settings, count: int) -> dict[str, float]:
    """Seconds to produce ``count`` rows (acks=all, idempotent, as our producer) and to consume
    them back from the beginning."""
    await ensure_topics(settings, (FLOOR_TOPIC,))
    topic = settings.topic(FLOOR_TOPIC)
    payloads = [row_bytes(n) for n in range(count)]
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
    )
    await producer.start()
    try:
        started = time.perf_counter()
        futures = [
            await producer.send(topic, payload, key=str(n % 1000).encode())
            for n, payload in enumerate(payloads)
        ]
        await producer.flush()
        for future in futures:
            await future
        produce_seconds = time.perf_counter() - started
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        enable_auto_commit=False,
        max_poll_records=2000,
    )
    await consumer.start()
    try:
        # Partitions assigned by hand: no group join in the measure, and no fetch before it.
        partitions = [TopicPartition(topic, p) for p in range(settings.topic_partitions)]
        started, seen = time.perf_counter(), 0
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        while seen < count:
            batch = await consumer.getmany(timeout_ms=500, max_records=2000)
            seen += sum(len(records) for records in batch.values())
        consume_seconds = time.perf_counter() - started
    finally:
        await consumer.stop()
    return {"produce_s": produce_seconds, "consume_s": consume_seconds}


async def insert_and_get(settings: Settings, count: int) -> dict[str, float]:
    """Seconds to ``insert_many`` ``count`` row documents; milliseconds per ``find_one`` by
    ``_id`` in a collection of that many."""
    client = make_client(settings)
    collection = database(client, settings)["floor_rows"]
    try:
        documents = [roster_row(n) | {"_id": f"row-{n}"} for n in range(count)]
        started = time.perf_counter()
        await collection.insert_many(documents, ordered=False)
        insert_seconds = time.perf_counter() - started
        started = time.perf_counter()
        for n in range(GETS):
            await collection.find_one({"_id": f"row-{(n * 7919) % count}"})
        get_ms = (time.perf_counter() - started) * 1000 / GETS
    finally:
        await client.drop_database(settings.database_name)
        await client.close()
    return {"insert_many_s": insert_seconds, "find_one_ms": get_ms}
