"""Many events on a topic at once, and what a consumer group committed, for consumer tests."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from skilleval_shared.envelope import CloudEvent, wrap
from skilleval_shared.messaging import kafka_headers
from support.filing_samples import filing_filed

Message = tuple[bytes | None, bytes, list[tuple[str, bytes]]]  # key, value, headers


def numbered_events(count: int, start: int = 0) -> list[CloudEvent[Any]]:
    """FilingFiled events whose institution serial is their number."""
    return [wrap(filing_filed(serial=f"{n:06d}")) for n in range(start, start + count)]


def number_of(event: CloudEvent[Any]) -> int:
    return int(event.data.institution_serial)


def as_message(event: CloudEvent[Any], key: str) -> Message:
    headers = [(name, value.encode()) for name, value in kafka_headers(event).items()]
    return key.encode(), event.to_json_bytes(), headers


async def produce_many(
    bootstrap: str, topic: str, messages: Sequence[Message], partition: int | None = None
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5, enable_idempotence=True)
    await producer.start()
    try:
        sent = [
            await producer.send(topic, value, key=key, headers=headers, partition=partition)
            for key, value, headers in messages
        ]
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


async def committed_offsets(bootstrap: str, group: str, topic: str) -> dict[int, int]:
    """Per partition of ``topic``, the offset ``group`` committed (partitions without none)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return {tp.partition: meta.offset for tp, meta in offsets.items() if tp.topic == topic}


async def end_offsets(bootstrap: str, topic: str, partitions: int) -> dict[int, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        ends = await consumer.end_offsets([TopicPartition(topic, p) for p in range(partitions)])
        return {tp.partition: offset for tp, offset in ends.items()}
    finally:
        await consumer.stop()
