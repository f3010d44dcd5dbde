"""Relays committed outbox entries to Kafka, in commit order, at least once."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from datetime import timedelta
from typing import Any

from faststream.kafka import KafkaBroker
from pymongo.asynchronous.database import AsyncDatabase

from skilleval_shared.envelope import CONTENT_TYPE, utc_now
from skilleval_shared.observability import RELAYED
from skilleval_shared.settings import Settings
from skilleval_shared.storage.aggregates import ABANDONED_AFTER, COMMITS, OUTBOX
from skilleval_shared.storage.mongo import Document, is_duplicate_key
from skilleval_shared.tasks import Periodic

logger = logging.getLogger(__name__)

BATCH = 500
SET_ASIDE = "outbox_set_aside"
# How long a set-aside marker waits for a commit that came very late.
WATCH_SET_ASIDE = timedelta(minutes=10)


class OutboxRelay:
    def __init__(
        self,
        db: AsyncDatabase[Document],
        broker: KafkaBroker,
        settings: Settings,
        *,
        abandoned_after: timedelta = ABANDONED_AFTER,
    ) -> None:
        self.abandoned_after_seconds = abandoned_after.total_seconds()
        self.outbox = db[OUTBOX]
        self.commits = db[COMMITS]
        self.set_aside = db[SET_ASIDE]
        self.broker = broker
        self.settings = settings
        self._loop = Periodic("outbox-relay", self.relay_all, settings.outbox_poll_seconds)
        # When this relay first saw each marker still without its commit. Judged by this
        # process's own clock, not the writer's ``at``: a writer on a host whose clock is
        # behind must not have its fresh marker taken for an abandoned one.
        self._pending_since: dict[str, float] = {}

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
        abandoned: list[Document] = []
        pending: list[asyncio.Future[Any]] = []
        now = time.monotonic()
        try:
            for marker, commit in zip(markers, commits, strict=True):
                if commit is not None and commit["nonce"] == marker["nonce"]:
                    for entry in marker["events"]:
                        pending.append(await self._send(entry))
                    settled.append(marker["_id"])
                elif commit is not None:  # another writer holds this version: ours lost
                    settled.append(marker["_id"])
                elif (
                    now - self._pending_since.setdefault(marker["_id"], now)
                    >= self.abandoned_after_seconds
                ):
                    abandoned.append(marker)
                    settled.append(marker["_id"])
                else:
                    break  # its writer may still be before the commit point: keep order
        finally:
            if pending:
                await asyncio.gather(*pending)
                RELAYED.labels(self.settings.service_name).inc(len(pending))
        if abandoned:
            await self._set_aside(abandoned)
        if settled:
            await self.outbox.delete_many({"_id": {"$in": settled}})
        # Forget markers settled here or by another replica.
        waiting = {marker["_id"] for marker in markers} - set(settled)
        self._pending_since = {
            key: since for key, since in self._pending_since.items() if key in waiting
        }
        await self._publish_late_commits()
        return len(settled)

    async def _set_aside(self, abandoned: list[Document]) -> None:
        """Keep abandoned markers, before they leave the outbox, for a writer that stalled past
        our patience and still commits: written first, so a crash right after loses nothing."""
        copies = [marker | {"abandoned_at": utc_now()} for marker in abandoned]
        try:
            await self.set_aside.insert_many(copies, ordered=False)
        except Exception as error:
            if not is_duplicate_key(error):  # set aside by another replica already
                raise

    async def _publish_late_commits(self) -> None:
        """Publish set-aside markers whose commit has appeared after all; forget those whose
        commit belongs to another writer, or that have waited ``WATCH_SET_ASIDE``. Such events
        come after newer ones; consumers are idempotent, and it happens only after a stall."""
        kept = await self.set_aside.find({}).to_list(BATCH)
        if not kept:
            return
        commits = await self._commits_of(kept)
        done: list[str] = []
        pending: list[asyncio.Future[Any]] = []
        for marker, commit in zip(kept, commits, strict=True):
            if commit is not None and commit["nonce"] == marker["nonce"]:
                pending.extend([await self._send(entry) for entry in marker["events"]])
                done.append(marker["_id"])
            elif commit is not None or utc_now() - marker["abandoned_at"] > WATCH_SET_ASIDE:
                done.append(marker["_id"])
        if pending:
            await asyncio.gather(*pending)
            RELAYED.labels(self.settings.service_name).inc(len(pending))
            logger.warning("published %d events of commits that came late", len(pending))
        if done:
            await self.set_aside.delete_many({"_id": {"$in": done}})

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
