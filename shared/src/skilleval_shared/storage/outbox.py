"""Relays committed events to Kafka, at least once, and gives every pending pointer an outcome.

One relay per service works at a time (``Lease``). Each pass reads a batch of pointers (see
``aggregates.py``) in commit order and, for each:

- its commit exists and is this writer's (same nonce): publish the commit's events (in order,
  keyed as the events say), make sure the snapshot has caught up with it, delete the pointer;
- its version is held by another writer's commit or by a void: delete the pointer;
- its commit is still missing: skip it — no other aggregate waits for it. Once it has been
  missing for ``fence_seconds`` (by this relay's clock), insert a void commit at that version:
  success settles it (its writer will commit at the next version), a duplicate key means the
  real commit landed after all and is published like any other.

A commit that cannot be read in this pass (a multi-megabyte commit on a loaded database) holds
back only its own aggregate's later pointers, never the rest of the batch.

A crash after publishing and before deleting a pointer publishes its events again with the same
ids and ``sequence``; consumers deduplicate.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from typing import Any

import pymongo
from faststream.kafka import KafkaBroker
from pymongo.asynchronous.database import AsyncDatabase

from skilleval_shared.envelope import utc_now
from skilleval_shared.messaging import kafka_headers
from skilleval_shared.observability import RELAYED
from skilleval_shared.settings import Settings
from skilleval_shared.storage.aggregates import (
    COMMITS,
    OUTBOX,
    VOID_NONCE,
    AggregateStore,
)
from skilleval_shared.storage.lease import Lease
from skilleval_shared.storage.mongo import Document, delete_each, get_each, is_duplicate_key
from skilleval_shared.tasks import Periodic, gather_limited

logger = logging.getLogger(__name__)

BATCH = 500
LEASES = "leases"
CONCURRENT_GETS = 16
# The relay works in the background, so it may wait longer for a big commit than a request may
# (MONGODB_TIMEOUT_MS): a 5 MB commit took 12.7 s to read on a loaded machine, and with the
# request timeout the whole batch failed on every pass.
READ_SECONDS = 60.0
UNREAD: Document = {"nonce": None}  # this pass could not read the commit: decide next pass
SETTLED: Document = {"nonce": None}  # nothing to publish, and the snapshot is past it: done


class OutboxRelay:
    def __init__(
        self,
        db: AsyncDatabase[Document],
        broker: KafkaBroker,
        settings: Settings,
        *,
        holder: str | None = None,
    ) -> None:
        self.db = db
        self.outbox = db[OUTBOX]
        self.commits = db[COMMITS]
        self.broker = broker
        self.settings = settings
        self.fence_seconds = settings.outbox_fence_seconds
        # A replica is its host and port: the same replica restarted takes its lease back at once.
        self.lease = Lease(
            db[LEASES],
            "outbox-relay",
            holder or f"{socket.gethostname()}:{settings.http_port}",
            settings.outbox_lease_seconds,
        )
        self._loop = Periodic("outbox-relay", self.relay_all, settings.outbox_poll_seconds)
        # When this relay first saw each pointer still without its commit (its own clock).
        self._pending_since: dict[str, float] = {}

    def wake(self) -> None:
        self._loop.wake()

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()
        try:
            await self.lease.release()
        except Exception:
            logger.warning("could not release the relay lease", exc_info=True)

    async def relay_all(self) -> None:
        """Batches while full ones make progress: pointers still waiting for their commits fill
        the head of the outbox, so a full batch that settled nothing waits for the next pass."""
        while await self.lease.held():
            read, settled = await self._relay_batch()
            if read < BATCH or not settled:
                return

    async def relay_once(self) -> int:
        """Settle one batch of pointers; return how many were read."""
        read, _ = await self._relay_batch()
        return read

    async def _relay_batch(self) -> tuple[int, int]:
        """Settle one batch of pointers; return how many were read and how many settled.

        The batch is the outbox's first pointers in natural order, which is insertion order on
        FerretDB's SQLite tables (rowid) and MongoDB's WiredTiger (record id); a version's
        pointer is inserted only after the previous version's commit, so each aggregate's
        pointers come in version order. No sort: FerretDB cannot push one down, and sorting
        a 10,000-pointer backlog on every pass cost more than the rest of the relay.
        """
        # limit() lets the server close the cursor: one left open holds its database in
        # FerretDB, and a drop of that database then blocks every other database operation.
        pointers = await self.outbox.find({}).limit(BATCH).to_list(BATCH)
        commits = await gather_limited(map(self._read_commit, pointers), CONCURRENT_GETS)
        now = time.monotonic()
        held_back: set[tuple[Any, Any]] = set()  # aggregates with an unread commit this pass
        for index, (pointer, commit) in enumerate(zip(pointers, commits, strict=True)):
            aggregate = (pointer.get("kind"), pointer.get("aggregate"))
            if commit is UNREAD or aggregate in held_back:
                held_back.add(aggregate)  # its later versions wait, to keep its events in order
                commits[index] = UNREAD
            elif commit is None and self._fence_due(pointer["_id"], now):
                commits[index] = await self._fence(pointer)
        # A commit is published through the pointer of the writer that made it; a race loser's
        # pointer and a void are settled without publishing anything.
        published = [
            commit
            for pointer, commit in zip(pointers, commits, strict=True)
            if commit is not None and commit["nonce"] == pointer["nonce"]
        ]
        await self._publish(published)
        await gather_limited(map(self._repair_snapshot, published), CONCURRENT_GETS)
        done = [
            p["_id"]
            for p, c in zip(pointers, commits, strict=True)
            if c is not None and c is not UNREAD
        ]
        await delete_each(self.outbox, done)
        waiting = {p["_id"] for p, c in zip(pointers, commits, strict=True) if c is None}
        self._pending_since = {k: v for k, v in self._pending_since.items() if k in waiting}
        return len(pointers), len(done)

    def _fence_due(self, pointer: str, now: float) -> bool:
        return now - self._pending_since.setdefault(pointer, now) >= self.fence_seconds

    async def _fence(self, pointer: Document) -> Document | None:
        """Void the version of a pointer whose commit never came; or find that it did."""
        void = {"_id": pointer["commit"], "nonce": VOID_NONCE, "at": utc_now(), "events": []}
        try:
            await self.commits.insert_one(
                void | {"kind": pointer.get("kind"), "aggregate": pointer.get("aggregate")}
            )
            logger.warning("fenced %s: its writer never committed", pointer["commit"])
            return void
        except Exception as error:
            if not is_duplicate_key(error):
                raise
        return await self._commit_of(pointer)

    async def _commit_of(self, pointer: Document) -> Document | None:
        # The state can be large and the relay never needs it.
        with pymongo.timeout(READ_SECONDS):
            return await self.commits.find_one({"_id": pointer["commit"]}, {"state": 0})

    async def _read_commit(self, pointer: Document) -> Document | None:
        """The pointer's commit, None if there is none yet, or ``UNREAD`` if reading failed.
        ``SETTLED`` when the commit has no events and its aggregate's snapshot is already at or
        past its version: that version has its outcome (this commit, another writer's, or a
        void) and there is nothing to publish or repair, so the commit need not be read."""
        try:
            if pointer.get("events") == 0 and "version" in pointer:
                snapshots = self.db[pointer["kind"]]
                snapshot = await snapshots.find_one({"_id": pointer["aggregate"]}, {"version": 1})
                if snapshot is not None and snapshot["version"] >= pointer["version"]:
                    return SETTLED
            return await self._commit_of(pointer)
        except Exception:
            logger.warning("could not read %s; next pass", pointer["commit"], exc_info=True)
            return UNREAD

    async def _events_of(self, commit: Document) -> list[Document]:
        if not commit.get("parts"):
            return list(commit.get("events", []))
        with pymongo.timeout(READ_SECONDS):
            parts = await get_each(
                self.commits,
                [f"{commit['_id']}#{commit['nonce']}#{n}" for n in range(commit["parts"])],
            )
        return [entry for part in parts if part is not None for entry in part["events"]]

    async def _publish(self, commits: list[Document]) -> None:
        futures: list[asyncio.Future[Any]] = []
        try:
            for commit in commits:
                for entry in await self._events_of(commit):
                    futures.append(await self._send(entry))
        finally:
            if futures:
                await asyncio.gather(*futures)
                RELAYED.labels(self.settings.service_name).inc(len(futures))

    async def _repair_snapshot(self, commit: Document) -> None:
        """A writer that died after its commit point left the snapshot behind: roll it forward,
        so scans of snapshots never miss a committed state for longer than one relay pass."""
        kind, aggregate_id = commit["kind"], commit["aggregate"]
        store = AggregateStore(self.db, kind)
        snapshot = await store.snapshots.find_one({"_id": aggregate_id}, {"version": 1})
        if snapshot is None or snapshot["version"] < commit["version"]:
            await store.load(aggregate_id)

    async def _send(self, entry: Document) -> asyncio.Future[Any]:
        value = entry["value"]
        future: asyncio.Future[Any] = await self.broker.publish(
            json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(),
            topic=self.settings.topic(entry["topic"]),
            key=entry["key"].encode(),
            headers=kafka_headers(value),
            no_confirm=True,
        )
        return future
