"""Kafka through FastStream: the broker factory, event publishing and the consumer pipeline.

Consumption contract (ARCHITECTURE.md "Delivery"): offsets are committed only after the handler
succeeded (in batches, see ``offsets.py``); a failing handler is retried a bounded number of
times, then the message goes to ``dlq.<service>`` with the error in its headers and the consumer
moves on. A message that is not a well-formed event of a handled type is poison and goes to the
DLQ at once. If even the DLQ publish fails the consumer seeks back to the message, so Kafka
delivers it again: nothing is dropped silently.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.message import StreamMessage

from skilleval_shared import topics
from skilleval_shared.envelope import CONTENT_TYPE, CloudEvent, EventData
from skilleval_shared.events import CATALOG, parse_event
from skilleval_shared.observability import CONSUMED, DEAD_LETTERED, correlation_scope
from skilleval_shared.offsets import OffsetCommitter
from skilleval_shared.settings import Settings
from skilleval_shared.storage.idempotency import ProcessedGuard

logger = logging.getLogger(__name__)

EventHandler = Callable[[CloudEvent[Any]], Awaitable[None]]


def make_broker(settings: Settings) -> KafkaBroker:
    """One broker per process; the producer waits for all in-sync replicas and is idempotent."""
    return KafkaBroker(
        settings.kafka_bootstrap_servers,
        client_id=f"skilleval-{settings.service_name}",
        enable_idempotence=True,
        linger_ms=5,
        logger=logging.getLogger(f"skilleval.{settings.service_name}.kafka"),
    )


def kafka_headers(event: CloudEvent[Any]) -> dict[str, str]:
    """Structured mode: the whole event is the value; content-type says so."""
    headers = {"content-type": CONTENT_TYPE}
    if event.correlationid:
        headers["correlation_id"] = event.correlationid
    return headers


async def publish_event(broker: KafkaBroker, settings: Settings, event: CloudEvent[Any]) -> None:
    """Publish directly, for events with no local state change behind them (else use the outbox)."""
    data: EventData = event.data
    await broker.publish(
        event.to_json_bytes(),
        topic=settings.topic(data.topic),
        key=data.kafka_key().encode(),
        headers=kafka_headers(event),
    )


async def parse_leniently(
    record: Any, default: Callable[[Any], Awaitable[StreamMessage[Any]]]
) -> StreamMessage[Any]:
    """FastStream's Kafka parser, except that header values need not be UTF-8 text or present.

    FastStream decodes every header value strictly, before our handler runs, and when that raises
    it only logs: nothing rewinds, nothing reaches the DLQ, and the next handled message commits
    past the lost one. So parse a copy whose values are decoded with replacement instead; the
    message still carries the original record, from which ``EventConsumer`` judges the headers
    and dead-letters the message as it came.
    """
    try:
        return await default(record)
    except Exception:
        readable = copy.copy(record)  # a copy keeps `consumer`, set by concurrent subscribers
        readable.headers = [
            (key, (value or b"").decode("utf-8", "replace").encode())
            for key, value in record.headers or ()
        ]
        message = await default(readable)
        message.raw_message = record
        return message


def keep_body_raw(message: StreamMessage[Any]) -> Any:
    """The body as the bytes that came, instead of FastStream's decoding.

    FastStream decodes by content-type before our handler runs and swallows the errors (a
    truncated body labelled application/json, JSON nested past the recursion limit), losing the
    message. ``EventConsumer`` parses the body itself and dead-letters what it cannot parse.
    """
    return message.body


class EventConsumer:
    """Routes the events of some topics to handlers by CloudEvents type.

    Events of types with no handler here are acknowledged and skipped: every service reads whole
    topics but cares about a few types. A message that is not a valid event of a handled type is
    poison and goes to the DLQ at once, since retrying cannot make it valid.
    """

    def __init__(
        self,
        *,
        settings: Settings,
        broker: KafkaBroker,
        guard: ProcessedGuard | None,
    ) -> None:
        self.settings = settings
        self.broker = broker
        self.guard = guard
        self.handlers: dict[str, EventHandler] = {}
        self.offsets = OffsetCommitter()

    def on(self, *data_classes: type[EventData]) -> Callable[[EventHandler], EventHandler]:
        def register(handler: EventHandler) -> EventHandler:
            for data_class in data_classes:
                self.handlers[data_class.event_type()] = handler
            return handler

        return register

    def subscribe(self, *logical_topics: str) -> None:
        """Declare one FastStream subscriber per topic, in this service's consumer group."""
        for logical_topic in logical_topics:
            subscriber = self.broker.subscriber(
                self.settings.topic(logical_topic),
                group_id=self.settings.consumer_group,
                auto_offset_reset="earliest",
                ack_policy=AckPolicy.MANUAL,
                parser=parse_leniently,
                decoder=keep_body_raw,
                max_workers=self.settings.consumer_workers,
                # Each subscriber's consumer joins the group in turn at start-up, and every join
                # makes the members already in it rejoin: they notice at their next heartbeat.
                # Half a second instead of three keeps a start or a restart of a service with
                # many subscribers to a few seconds of rebalancing instead of half a minute.
                heartbeat_interval_ms=500,
                title=f"{self.settings.service_name}:{logical_topic}",
                description="CloudEvents handled here: " + ", ".join(sorted(self.handlers)),
            )
            subscriber(self._consume)

    async def _consume(self, message: KafkaMessage) -> None:
        try:
            await self._process(message)
        except Exception:
            # Neither handled nor dead-lettered (the DLQ publish failed, or the idempotency
            # store did): rewind so that this message is delivered again.
            await message.nack()
            raise
        record: Any = message.raw_message
        await self.offsets.handled(message.consumer, record.topic, record.partition, record.offset)

    async def _process(self, message: KafkaMessage) -> None:
        try:
            event = self._event_to_handle(message)
        except Exception as error:
            # Anything failing before the handler runs is wrong in the message itself (headers,
            # JSON, envelope, type), so every redelivery would fail alike: rewinding would hold
            # up the partition forever. Dead-letter it and move on.
            await self._dead_letter(message, error, attempts=0)
            return
        if event is None:
            return
        with correlation_scope(event.correlationid or event.id, caused_by=event.id):
            await self._handle(message, event, self.handlers[event.type])

    def _event_to_handle(self, message: KafkaMessage) -> CloudEvent[Any] | None:
        """The message's event, or None if its type is in the catalog but not handled here.

        Raises for anything that is not a well-formed event of a handled type.
        """
        record: Any = message.raw_message
        for _key, value in record.headers or ():
            if value is not None:
                # Our producers write text headers: other bytes mean a broken producer, even
                # though FastStream saw the value decoded with replacement (parse_leniently).
                value.decode("utf-8")
        document = json.loads(message.body)
        event_type = document.get("type") if isinstance(document, dict) else None
        # Skip without validating: every service reads whole topics but handles a few types.
        if (
            isinstance(event_type, str)
            and event_type in CATALOG
            and event_type not in self.handlers
        ):
            return None
        event = parse_event(document)
        return event if event.type in self.handlers else None

    async def _handle(
        self, message: KafkaMessage, event: CloudEvent[Any], handler: EventHandler
    ) -> None:
        if self.guard is not None and await self.guard.seen(event.id):
            CONSUMED.labels(self.settings.service_name, event.type, "duplicate").inc()
            return
        attempts = self.settings.consumer_max_attempts
        for attempt in range(1, attempts + 1):
            try:
                await handler(event)
                break
            except Exception as error:
                if attempt == attempts:
                    logger.exception("handler failed %d times for %s", attempts, event.id)
                    await self._dead_letter(message, error, attempts=attempts)
                    return
                logger.warning("handler failed for %s (attempt %d): %r", event.id, attempt, error)
                await asyncio.sleep(
                    self.settings.consumer_retry_backoff_seconds * 2 ** (attempt - 1)
                )
        if self.guard is not None:
            await self.guard.mark(event.id)
        CONSUMED.labels(self.settings.service_name, event.type, "handled").inc()

    async def _dead_letter(
        self, message: KafkaMessage, error: BaseException, attempts: int
    ) -> None:
        record: Any = message.raw_message
        headers = {
            key: (value or b"").decode("utf-8", "replace") for key, value in record.headers or ()
        }
        headers |= {
            "x-dlq-error": repr(error)[:2000],
            "x-dlq-error-type": type(error).__name__,
            "x-dlq-attempts": str(attempts),
            "x-dlq-consumer": self.settings.service_name,
            "x-dlq-original-topic": record.topic,
            "x-dlq-original-partition": str(record.partition),
            "x-dlq-original-offset": str(record.offset),
        }
        await self.broker.publish(
            message.body,
            topic=self.settings.topic(topics.dlq(self.settings.service_name)),
            key=record.key,
            headers=headers,
        )
        DEAD_LETTERED.labels(self.settings.service_name, record.topic).inc()
        logger.error(
            "dead-lettered %s[%s]@%s: %r", record.topic, record.partition, record.offset, error
        )
