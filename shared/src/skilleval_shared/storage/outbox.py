"""Relays committed outbox entries to Kafka, in commit order, at least once."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta
from typing import Any

from faststream.kafka import KafkaBroker
from pymongo.asynchronous.database import AsyncDatabase

from skilleval_shared.envelope import CONTENT_TYPE, utc_now
from skilleval_shared.observability import RELAYED
from skilleval_shared.settings import Settings
from skilleval_shared.storage.aggregates import COMMITS, OUTBOX
from skilleval_shared.storage.mongo import Document
from skilleval_shared.tasks import Periodic

logger = logging.getLogger(__name__)

# A marker whose commit is still missing after this long belongs to a writer that died or lost
# the race before its commit point: nothing was committed, so nothing may be published.
ABANDONED_AFTER = timedelta(seconds=60)
BATCH = 500


class OutboxRelay:
    def __init__(
        self, db: AsyncDatabase[Document], broker: KafkaBroker, settings: Settings
    ) -> None:
        self.outbox = db[OUTBOX]
        self.commits = db[COMMITS]
        self.broker = broker
        self.settings = settings
        self._loop = Periodic("outbox-relay", self.relay_all, settings.outbox_poll_seconds)

    def wake(self) -> None:
        self._loop.wake()

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def relay_all(self) -> None:
        while await self.relay_once() == BATCH:
            pass

    async def relay_once(self) -> int:
        """Publish one batch of pending entries; return how many markers were settled."""
        markers = await self.outbox.find({}).sort([("at", 1), ("_id", 1)]).to_list(BATCH)
        commits = await self._commits_of(markers)
        settled: list[str] = []
        pending: list[asyncio.Future[Any]] = []
        try:
            for marker, commit in zip(markers, commits, strict=True):
                if commit is None or commit["nonce"] != marker["nonce"]:
                    if commit is not None or utc_now() - marker["at"] > ABANDONED_AFTER:
                        settled.append(marker["_id"])
                        continue
                    break  # its writer may still be before the commit point: keep order
                for entry in marker["events"]:
                    pending.append(await self._send(entry))
                settled.append(marker["_id"])
        finally:
            if pending:
                await asyncio.gather(*pending)
                RELAYED.labels(self.settings.service_name).inc(len(pending))
        if settled:
            await self.outbox.delete_many({"_id": {"$in": settled}})
        return len(settled)

    async def _commits_of(self, markers: list[Document]) -> list[Document | None]:
        """The commit behind each marker: gets by ``_id``, several at a time."""
        limit = asyncio.Semaphore(16)

        async def get(marker: Document) -> Document | None:
            async with limit:
                return await self.commits.find_one({"_id": marker["commit"]}, {"nonce": 1})

        return list(await asyncio.gather(*(get(marker) for marker in markers)))

    async def _send(self, entry: Document) -> asyncio.Future[Any]:
        value = entry["value"]
        headers = {"content-type": CONTENT_TYPE}
        if value.get("correlationid"):
            headers["correlation_id"] = value["correlationid"]
        future: asyncio.Future[Any] = await self.broker.publish(
            json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(),
            topic=self.settings.topic(entry["topic"]),
            key=entry["key"].encode(),
            headers=headers,
            no_confirm=True,
        )
        return future
