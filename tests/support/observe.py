"""Read the running system from outside for the fault tests: Kafka offsets (progress), the
certificate records in certification's and registry's databases, Mailpit's messages, and the
dead letters. Read-only, except that a scenario may delete its own messages from Mailpit
(found by an address only it uses) so that the sink stays small across scenarios.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from pymongo import AsyncMongoClient

from skilleval_shared import topics
from skilleval_shared.dlq import DeadLetter, read_dead_letters
from skilleval_shared.settings import Settings
from support.invariants import Issued, Mail

MAILPIT_PAGE = 1000
RECORD_FIELDS = {"roster_id": 1, "row.seq": 1, "row.level": 1, "level": 1}


@dataclass
class Offsets:
    """Kafka offsets of the running system (no namespace), through clients kept open; a client
    that fails (Kafka restarting) is made anew on the next read."""

    bootstrap: str
    _admin: AIOKafkaAdminClient | None = None
    _consumer: AIOKafkaConsumer | None = None

    async def _clients(self) -> tuple[AIOKafkaAdminClient, AIOKafkaConsumer]:
        if self._admin is None or self._consumer is None:
            admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=3000)
            consumer = AIOKafkaConsumer(
                bootstrap_servers=self.bootstrap, enable_auto_commit=False, request_timeout_ms=3000
            )
            try:
                await admin.start()
                await consumer.start()
            except BaseException:
                await self._close(admin, consumer)
                raise
            self._admin, self._consumer = admin, consumer
        return self._admin, self._consumer

    @staticmethod
    async def _close(admin: AIOKafkaAdminClient | None, consumer: AIOKafkaConsumer | None) -> None:
        with contextlib.suppress(Exception):
            if admin is not None:
                await admin.close()
        with contextlib.suppress(Exception):
            if consumer is not None:
                await consumer.stop()

    async def close(self) -> None:
        await self._close(self._admin, self._consumer)
        self._admin = self._consumer = None

    async def _guarded(self, read: Any) -> int:
        try:
            admin, consumer = await self._clients()
            return int(await read(admin, consumer))
        except Exception:
            await self.close()
            raise

    async def _partitions(self, consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
        found = consumer.partitions_for_topic(topic)
        if not found:
            # consumer.topics() does not refresh what partitions_for_topic answers for a topic
            # this consumer never subscribed to: it stayed empty until the client's periodic
            # metadata refresh (metadata_max_age_ms, 300 s), and every stage seemed to end then.
            cluster = await consumer._client.fetch_all_metadata()
            found = cluster.partitions_for_topic(topic) or set()
        return [TopicPartition(topic, p) for p in sorted(found)]

    async def published(self, topic: str) -> int:
        """How many records the topic holds (the sum of its end offsets)."""

        async def read(_admin: AIOKafkaAdminClient, consumer: AIOKafkaConsumer) -> int:
            ends = await consumer.end_offsets(await self._partitions(consumer, topic))
            return sum(ends.values())

        return await self._guarded(read)

    async def consumed(self, service: str, topic: str) -> int:
        """How far the service's consumer group has committed on the topic (summed)."""

        async def read(admin: AIOKafkaAdminClient, _consumer: AIOKafkaConsumer) -> int:
            committed = await admin.list_consumer_group_offsets(f"skilleval-{service}")
            return sum(
                meta.offset
                for tp, meta in committed.items()
                if tp.topic == topic and meta.offset >= 0
            )

        return await self._guarded(read)

    async def dlq_marks(self) -> dict[str, dict[int, int]]:
        """Per service, the end offset of each DLQ partition: letters from now on are new."""
        marks: dict[str, dict[int, int]] = {}
        for service in topics.SERVICES:

            async def read(
                _admin: AIOKafkaAdminClient, consumer: AIOKafkaConsumer, service: str = service
            ) -> int:
                found = await self._partitions(consumer, topics.dlq(service))
                ends = await consumer.end_offsets(found)
                marks[service] = {tp.partition: offset for tp, offset in ends.items()}
                return 0

            await self._guarded(read)
        return marks


async def dead_letters(bootstrap: str) -> dict[str, list[DeadLetter]]:
    settings = Settings(kafka_bootstrap_servers=bootstrap, namespace="")
    return {service: await read_dead_letters(settings, service) for service in topics.SERVICES}


@contextlib.asynccontextmanager
async def database(url: str) -> AsyncIterator[AsyncMongoClient[dict[str, Any]]]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(url, tz_aware=True)
    try:
        yield client
    finally:
        await client.close()


async def certificate_records(
    client: AsyncMongoClient[dict[str, Any]], service: str, roster_id: str, limit: int
) -> list[Issued]:
    """The certificate records a service holds for the roster (bounded: FerretDB cursors)."""
    collection = client[f"skilleval_{service}"]["certificates"]
    found = (
        await collection.find({"roster_id": roster_id}, RECORD_FIELDS | {"_id": 1})
        .limit(limit)
        .to_list(limit)
    )
    return [Issued.from_record(record) for record in found]


async def mail_count(api: str, query: str) -> int:
    """How many messages match a Mailpit search (copies included)."""
    async with httpx.AsyncClient(base_url=api, timeout=5) as client:
        response = await client.get("/api/v1/search", params={"query": query, "limit": 1})
        response.raise_for_status()
        return int(response.json()["messages_count"])


async def mails(api: str, query: str) -> list[Mail]:
    """Every message that matches a Mailpit search, page by page."""
    found: list[Mail] = []
    async with httpx.AsyncClient(base_url=api, timeout=60) as client:
        while True:
            response = await client.get(
                "/api/v1/search",
                params={"query": query, "start": len(found), "limit": MAILPIT_PAGE},
            )
            response.raise_for_status()
            page = response.json()["messages"]
            found += [Mail.from_summary(summary) for summary in page]
            if len(page) < MAILPIT_PAGE:
                return found


async def delete_mails(api: str, query: str) -> None:
    """Delete the messages of one search (a scenario's own addresses), never the whole sink."""
    async with httpx.AsyncClient(base_url=api, timeout=60) as client:
        response = await client.delete("/api/v1/search", params={"query": query})
        response.raise_for_status()
