"""Kafka through FastStream: the broker factory, event publishing and the consumer pipeline.

Consumption contract (ARCHITECTURE.md "Delivery"): records arrive in batches; each partition's
share of a batch is handled on its own, in offset order, and its offset committed only after
that. A failing handler is retried a bounded number of times (a failing batch handler, then
bisected down to the events that fail alone), then the message goes to ``dlq.<service>`` with the
error in its headers (``dlq.py``) and the consumer moves on. A message that is not a well-formed
event of a handled type is poison and goes to the DLQ at once. If the DLQ or the idempotency store
fails, the consumer seeks back to the batch's first record, so Kafka delivers it again: nothing
is dropped silently. Redeliveries and replays are absorbed by the bulk guard (``idempotency.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import logging
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

from aiokafka import ConsumerRebalanceListener, TopicPartition
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.message import StreamMessage

from skilleval_shared import topics
from skilleval_shared.dlq import dead_letter_headers
from skilleval_shared.envelope import CONTENT_TYPE, CloudEvent, EventData
from skilleval_shared.events import CATALOG, parse_event
from skilleval_shared.observability import CONSUMED, DEAD_LETTERED, correlation_scope
from skilleval_shared.offsets import OffsetCommitter
from skilleval_shared.settings import Settings
from skilleval_shared.storage.idempotency import ProcessedGuard

logger = logging.getLogger(__name__)

EventHandler = Callable[[CloudEvent[Any]], Awaitable[None]]
BatchHandler = Callable[[list[CloudEvent[Any]]], Awaitable[None]]


class ServiceBroker(KafkaBroker):
    """FastStream's Kafka broker, except that it starts its subscribers side by side.

    Each subscriber's consumer waits at start until the group has given it partitions, and every
    join makes the members already in the group rejoin. One after another, a service with three
    topics and three consumers each went through nine rebalances to start (5 s); started
    together, its consumers join in one or two.
    """

    async def start(self) -> None:
        await self.connect()
        await asyncio.gather(*(subscriber.start() for subscriber in self.subscribers))
        for publisher in self.publishers:
            await publisher.start()
        self.running = True


def make_broker(settings: Settings) -> KafkaBroker:
    """One broker per process; the producer waits for all in-sync replicas and is idempotent."""
    return ServiceBroker(
        settings.kafka_bootstrap_servers,
        client_id=f"skilleval-{settings.service_name}",
        enable_idempotence=True,
        linger_ms=5,
        logger=logging.getLogger(f"skilleval.{settings.service_name}.kafka"),
    )


def kafka_headers(event: CloudEvent[Any] | dict[str, Any]) -> dict[str, str]:
    """Structured mode: the whole event is the value; content-type says so. The correlation id
    travels as a header too, for tools that read headers only."""
    correlation = event.get("correlationid") if isinstance(event, dict) else event.correlationid
    headers = {"content-type": CONTENT_TYPE}
    if correlation:
        headers["correlation_id"] = correlation
    return headers


async def publish_event(broker: KafkaBroker, settings: Settings, event: CloudEvent[Any]) -> None:
    """Publish directly: only for events with no state change of this service behind them (an
    announcement of what already happened); everything else goes through a commit's outbox."""
    data: EventData = event.data
    await broker.publish(
        event.to_json_bytes(),
        topic=settings.topic(data.topic),
        key=data.kafka_key().encode(),
        headers=kafka_headers(event),
    )


def event_scope(event: CloudEvent[Any]) -> contextlib.AbstractContextManager[None]:
    """Events created within are correlated with ``event`` and name it as their cause.

    Per-event handlers run inside it; a batch handler wraps its work for each event in it.
    """
    return correlation_scope(event.correlationid or event.id, caused_by=event.id)


def batch_scope(events: list[CloudEvent[Any]]) -> contextlib.AbstractContextManager[None]:
    """A batch handler's scope: the one correlation its events share, if they share one."""
    if len(events) == 1:
        return event_scope(events[0])
    correlations = {event.correlationid or event.id for event in events}
    return correlation_scope(correlations.pop() if len(correlations) == 1 else None)


async def parse_batch_as_is(
    records: tuple[Any, ...], default: Callable[[Any], Awaitable[StreamMessage[Any]]]
) -> StreamMessage[Any]:
    """FastStream's batch message for ``records``, without decoding any of their headers.

    FastStream decodes every header value strictly, before our handler runs, and when that raises
    (bytes that are not UTF-8, a null value) it only logs: nothing rewinds, nothing reaches the
    DLQ, and the whole batch is lost. ``EventConsumer`` judges each record's headers itself and
    dead-letters the record as it came. (The message is built from a header-less copy of the
    first record: only ``raw_message`` and ``consumer`` are used.)
    """
    first = copy.copy(records[0])
    first.headers = ()
    message = await default((first,))
    message.raw_message = records
    return message


async def keep_body_raw(message: StreamMessage[Any]) -> Any:
    """No decoding by content-type: ``EventConsumer`` parses each record and dead-letters what it
    cannot parse (FastStream would swallow the error and lose the batch)."""
    return message.body


class RoundTracker(ConsumerRebalanceListener):  # type: ignore[misc]
    """One Kafka consumer's batch in hand; a rebalance waits (a bounded time) for it to finish.

    Otherwise partitions move while their batch is being handled, and the next owner handles
    the same records again from the last commit: harmless (idempotent handlers, and the guard
    sees the batch not done) but wasted, and it would happen whenever a replica starts or stops.
    A batch longer than the wait is still handled twice, never lost.
    """

    def __init__(self, wait_seconds: float) -> None:
        self.wait_seconds = wait_seconds
        self.idle = asyncio.Event()
        self.idle.set()

    @contextlib.contextmanager
    def handling(self) -> Iterator[None]:
        self.idle.clear()
        try:
            yield
        finally:
            self.idle.set()

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.wait_seconds):
                await self.idle.wait()

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        pass


@dataclass(frozen=True)
class Route:
    handler: Callable[[Any], Awaitable[None]]
    batch: bool


@dataclass(frozen=True)
class Delivery:
    record: Any  # aiokafka's ConsumerRecord
    event: CloudEvent[Any]


class EventConsumer:
    """Routes the events of some topics to handlers by CloudEvents type.

    Events of types with no handler here are acknowledged and skipped: every service reads whole
    topics but cares about a few types. A message that is not a valid event of a handled type is
    poison and goes to the DLQ at once, since retrying cannot make it valid.

    Per subscribed topic, ``consumer_workers`` Kafka consumers of the service's group, each owning
    whole partitions, fetch up to ``max_batch`` records at a time. A handler registered with
    ``on`` gets the events one at a time; one registered with ``on_batch`` gets each run of
    consecutive events of its types in a partition's batch as one list (the whole partition
    batch when nothing else is interleaved), so events are always handled in offset order.
    """

    def __init__(
        self,
        *,
        settings: Settings,
        broker: KafkaBroker,
        guard: ProcessedGuard | None,
        max_batch: int = 500,
        batch_timeout_ms: int = 100,
        # Kafka drops a consumer from the group that does not fetch for this long; a batch
        # that retries and bisects can take minutes, and aiokafka heartbeats meanwhile anyway.
        max_poll_interval_ms: int = 30 * 60 * 1000,
        session_timeout_ms: int = 10_000,
        # Under the session timeout, which bounds how long the group waits for a member.
        rebalance_wait_seconds: float = 5.0,
    ) -> None:
        self.settings = settings
        self.broker = broker
        self.guard = guard
        self.max_batch = max_batch
        self.batch_timeout_ms = batch_timeout_ms
        self.max_poll_interval_ms = max_poll_interval_ms
        self.session_timeout_ms = session_timeout_ms
        self.rebalance_wait_seconds = rebalance_wait_seconds
        self.routes: dict[str, Route] = {}
        self.offsets = OffsetCommitter()

    def on(self, *data_classes: type[EventData]) -> Callable[[EventHandler], EventHandler]:
        def register(handler: EventHandler) -> EventHandler:
            self._route(data_classes, Route(handler, batch=False))
            return handler

        return register

    def on_batch(self, *data_classes: type[EventData]) -> Callable[[BatchHandler], BatchHandler]:
        def register(handler: BatchHandler) -> BatchHandler:
            self._route(data_classes, Route(handler, batch=True))
            return handler

        return register

    def _route(self, data_classes: tuple[type[EventData], ...], route: Route) -> None:
        for data_class in data_classes:
            self.routes[data_class.event_type()] = route

    def subscribe(self, *logical_topics: str) -> None:
        """Declare ``consumer_workers`` batch subscribers per topic, in the service's group."""
        for logical_topic in logical_topics:
            for worker in range(self.settings.consumer_workers):
                rounds = RoundTracker(self.rebalance_wait_seconds)
                subscriber = self.broker.subscriber(
                    self.settings.topic(logical_topic),
                    group_id=self.settings.consumer_group,
                    auto_offset_reset="earliest",
                    ack_policy=AckPolicy.MANUAL,
                    batch=True,
                    max_records=self.max_batch,
                    batch_timeout_ms=self.batch_timeout_ms,
                    parser=parse_batch_as_is,
                    decoder=keep_body_raw,
                    # Every join (a replica starting, scaling out) makes the members already in
                    # the group rejoin: they notice at their next heartbeat. Half a second
                    # instead of three keeps each rebalance short.
                    heartbeat_interval_ms=500,
                    session_timeout_ms=self.session_timeout_ms,
                    max_poll_interval_ms=self.max_poll_interval_ms,
                    title=f"{self.settings.service_name}:{logical_topic}",
                    description="CloudEvents handled here: " + ", ".join(sorted(self.routes)),
                    include_in_schema=worker == 0,  # one channel, however many consumers
                    listener=rounds,
                )
                subscriber(self._handler(rounds))

    def _handler(self, rounds: RoundTracker) -> Callable[[KafkaMessage], Awaitable[None]]:
        async def consume_batch(message: KafkaMessage) -> None:
            with rounds.handling():
                await self._consume(message)

        return consume_batch

    async def _consume(self, message: KafkaMessage) -> None:
        by_partition: dict[TopicPartition, list[Any]] = {}
        for record in message.raw_message:
            by_partition.setdefault(TopicPartition(record.topic, record.partition), []).append(
                record
            )
        await asyncio.gather(
            *(
                self._consume_partition(message.consumer, partition, records)
                for partition, records in by_partition.items()
            )
        )

    async def _consume_partition(
        self, consumer: Any, partition: TopicPartition, records: list[Any]
    ) -> None:
        try:
            await self._handle_batch(records)
        except Exception:
            # Neither handled nor dead-lettered (the DLQ publish failed, or the idempotency
            # store did): rewind so that the batch is delivered again.
            logger.exception(
                "batch %s[%s]@%s..%s failed; reading it again",
                partition.topic,
                partition.partition,
                records[0].offset,
                records[-1].offset,
            )
            with contextlib.suppress(Exception):  # not ours any more: its new owner reads it
                consumer.seek(partition, records[0].offset)
            await asyncio.sleep(self.settings.consumer_retry_backoff_seconds)
            return
        await self.offsets.commit(consumer, {partition: records[-1].offset + 1})

    async def _handle_batch(self, records: list[Any]) -> None:
        deliveries: list[Delivery] = []
        poison: list[tuple[Any, Exception]] = []
        for record in records:
            try:
                event = self._event_to_handle(record)
            except Exception as error:
                # Anything failing before the handler runs is wrong in the message itself
                # (headers, JSON, envelope, type), so every redelivery would fail alike:
                # rewinding would hold up the partition forever. Dead-letter it and move on.
                poison.append((record, error))
                continue
            if event is not None:
                deliveries.append(Delivery(record, event))
        batch_id = uuid.uuid4().hex
        pending = await self._claim(deliveries, batch_id)
        dead = await self._run(pending)
        for record, reason in poison:
            await self._dead_letter(record, reason, attempts=0)
        if self.guard is not None and pending:
            await self.guard.release(dead)
            await self.guard.done(batch_id)

    async def _claim(self, deliveries: list[Delivery], batch_id: str) -> list[Delivery]:
        """The deliveries to handle: each event once, unless a finished batch handled it."""
        first: dict[str, Delivery] = {}
        for delivery in deliveries:
            first.setdefault(delivery.event.id, delivery)
        claimed = set(first)
        if self.guard is not None and first:
            claimed = await self.guard.claim(list(first), batch_id)
        pending = [delivery for delivery in first.values() if delivery.event.id in claimed]
        for delivery in deliveries:
            if first[delivery.event.id] is not delivery or delivery.event.id not in claimed:
                CONSUMED.labels(self.settings.service_name, delivery.event.type, "duplicate").inc()
        return pending

    def _event_to_handle(self, record: Any) -> CloudEvent[Any] | None:
        """The record's event, or None if its type is in the catalog but not handled here.

        Raises for anything that is not a well-formed event of a handled type.
        """
        for _key, value in record.headers or ():
            if value is not None:
                value.decode("utf-8")  # our producers write text headers
        document = json.loads(record.value or b"")
        event_type = document.get("type") if isinstance(document, dict) else None
        # Skip without validating: every service reads whole topics but handles a few types.
        if isinstance(event_type, str) and event_type in CATALOG and event_type not in self.routes:
            return None
        event = parse_event(document)
        return event if event.type in self.routes else None

    async def _run(self, pending: list[Delivery]) -> list[str]:
        """Run the handlers in offset order; the ids of the events dead-lettered."""
        dead: list[str] = []
        for route, run in _runs(pending, self.routes):
            if route.batch:
                attempts = self.settings.consumer_max_attempts
                dead += await self._run_batch(route.handler, run, attempts=attempts)
                continue
            for delivery in run:
                if not await self._run_one(route.handler, delivery):
                    dead.append(delivery.event.id)
        return dead

    async def _run_one(self, handler: EventHandler, delivery: Delivery) -> bool:
        event = delivery.event
        attempts = self.settings.consumer_max_attempts
        for attempt in range(1, attempts + 1):
            try:
                with event_scope(event):
                    await handler(event)
            except Exception as error:
                if attempt == attempts:
                    logger.exception("handler failed %d times for %s", attempts, event.id)
                    await self._dead_letter(delivery.record, error, attempts=attempts)
                    return False
                logger.warning("handler failed for %s (attempt %d): %r", event.id, attempt, error)
                await self._back_off(attempt)
            else:
                CONSUMED.labels(self.settings.service_name, event.type, "handled").inc()
                return True
        raise AssertionError("unreachable")

    async def _run_batch(
        self, handler: BatchHandler, run: list[Delivery], *, attempts: int
    ) -> list[str]:
        """Handle ``run`` together; if it keeps failing, each half on its own (one try each,
        until a half is a single event, which gets every attempt) so that only the events that
        fail alone are dead-lettered. The ids of those."""
        events = [delivery.event for delivery in run]
        failure: Exception | None = None
        for attempt in range(1, attempts + 1):
            try:
                with batch_scope(events):
                    await handler(events)
            except Exception as error:
                failure = error
                logger.warning(
                    "batch handler failed for %d events from %s (attempt %d): %r",
                    len(events),
                    events[0].id,
                    attempt,
                    error,
                )
                if attempt < attempts:
                    await self._back_off(attempt)
            else:
                for event_type, count in Counter(event.type for event in events).items():
                    CONSUMED.labels(self.settings.service_name, event_type, "handled").inc(count)
                return []
        assert failure is not None
        if len(run) == 1:
            logger.error("batch handler failed %d times for %s", attempts, events[0].id)
            await self._dead_letter(run[0].record, failure, attempts=attempts)
            return [events[0].id]
        dead: list[str] = []
        middle = len(run) // 2
        for half in (run[:middle], run[middle:]):
            tries = self.settings.consumer_max_attempts if len(half) == 1 else 1
            dead += await self._run_batch(handler, half, attempts=tries)
        return dead

    async def _back_off(self, attempt: int) -> None:
        await asyncio.sleep(self.settings.consumer_retry_backoff_seconds * 2 ** (attempt - 1))

    async def _dead_letter(self, record: Any, error: BaseException, attempts: int) -> None:
        await self.broker.publish(
            record.value or b"",
            topic=self.settings.topic(topics.dlq(self.settings.service_name)),
            key=record.key,
            headers=dead_letter_headers(
                record, error, attempts=attempts, consumer=self.settings.service_name
            ),
        )
        DEAD_LETTERED.labels(self.settings.service_name, record.topic).inc()
        logger.error(
            "dead-lettered %s[%s]@%s: %r", record.topic, record.partition, record.offset, error
        )


def _runs(
    pending: list[Delivery], routes: dict[str, Route]
) -> Iterator[tuple[Route, list[Delivery]]]:
    """Consecutive deliveries that go to the same handler, in order."""
    run: list[Delivery] = []
    for delivery in pending:
        if run and routes[delivery.event.type] is not routes[run[0].event.type]:
            yield routes[run[0].event.type], run
            run = []
        run.append(delivery)
    if run:
        yield routes[run[0].event.type], run
