"""Publish events to Kafka as their producing service would (a test stands in for it)."""

from __future__ import annotations

from aiokafka import AIOKafkaProducer

from skilleval_shared.envelope import EventData, wrap
from skilleval_shared.messaging import kafka_headers
from skilleval_shared.settings import Settings


async def send(settings: Settings, *payloads: EventData) -> None:
    """Publish events as their producing service would, in order, with one producer."""
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers, linger_ms=5)
    await producer.start()
    try:
        for data in payloads:
            event = wrap(data)
            await producer.send(
                settings.topic(data.topic),
                event.to_json_bytes(),
                key=data.kafka_key().encode(),
                headers=[(k, v.encode()) for k, v in kafka_headers(event).items()],
            )
        await producer.flush()
    finally:
        await producer.stop()
