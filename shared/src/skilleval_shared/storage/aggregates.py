"""Aggregates committed by a unique-``_id`` insert, with their events in a transactional outbox.

FerretDB 1.24 has no transactions and no atomic read-modify-write, so one state change is:

1. insert an outbox marker ``<commit id>#<nonce>`` carrying the events;
2. insert the commit ``<kind>:<id>:<version>`` — **the commit point**: it happens once or fails
   with a duplicate key, on MongoDB and on FerretDB alike;
3. write the snapshot (a cache of the latest state, rolled forward from commits on read).

The relay publishes a marker only when the commit with the same nonce exists, so a writer that
lost the race or died before step 2 publishes nothing, and a writer that died after step 2 still
has its events published. A crash after publishing and before deleting the marker republishes
events with the same ids, which consumers deduplicate.

Step 2 can fail ambiguously (a reset connection, a cancelled task: the insert may have landed).
Then the marker stays for the relay to settle by nonce, and the insert is retried: the nonce
tells our own earlier insert apart from a rival's. Every snapshot write is followed by a look
for the next commit, so a slow writer's stale snapshot never outlives a newer commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import uuid_utils
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConnectionFailure

from skilleval_shared.envelope import CloudEvent, EventData, envelope_dict, utc_now
from skilleval_shared.storage.mongo import Document, is_duplicate_key

logger = logging.getLogger(__name__)

COMMITS = "commits"
OUTBOX = "outbox"
# A marker whose commit is still missing after this long (as the relay sees it) belongs to a
# writer that died or lost the race before its commit point, and is settled without publishing.
ABANDONED_AFTER = timedelta(seconds=60)
COMMIT_ATTEMPTS = 3
ONE_MILLISECOND = timedelta(milliseconds=1)


class CommitOutcomeUnknown(Exception):
    """The commit insert may or may not have landed (an earlier attempt's reply was lost, or
    the look at who holds the version failed); the relay settles its marker by nonce."""


def maybe_written(error: BaseException) -> bool:
    """An error after which the write may still have landed: the request may have reached the
    server (lost connection, timeout) or the task was cancelled while it was in flight."""
    return isinstance(error, ConnectionFailure | asyncio.CancelledError | CommitOutcomeUnknown)


class ConcurrentUpdate(Exception):
    """Another writer committed this version first; reload and decide again."""


@dataclass(frozen=True)
class Aggregate:
    id: str
    version: int
    state: Document


def commit_id(kind: str, aggregate_id: str, version: int) -> str:
    return f"{kind}:{aggregate_id}:{version}"


def marker_id(kind: str, aggregate_id: str, version: int, nonce: str) -> str:
    """Zero-padded, so markers of one aggregate committed in the same millisecond sort by
    version (``:10`` after ``:9``); the relay orders by ``(at, _id)``."""
    return f"{kind}:{aggregate_id}:{version:012d}#{nonce}"


def outbox_entry(event: CloudEvent[Any]) -> Document:
    data: EventData = event.data
    return {"topic": data.topic, "key": data.kafka_key(), "value": envelope_dict(event)}


class AggregateStore:
    """Load and commit one kind of aggregate (e.g. ``filing``) in a service's database."""

    def __init__(
        self,
        db: AsyncDatabase[Document],
        kind: str,
        *,
        on_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self.kind = kind
        self.commits = db[COMMITS]
        self.outbox = db[OUTBOX]
        self.snapshots = db[kind]
        self.on_commit = on_commit
        # A commit slower than this may have outlived its marker (see ``_keep_marker``): half the
        # relay's patience, so the check happens well before the relay can give up.
        self.slow_commit_seconds = ABANDONED_AFTER.total_seconds() / 2

    async def load(self, aggregate_id: str) -> Aggregate | None:
        snapshot = await self.snapshots.find_one({"_id": aggregate_id})
        current = (
            Aggregate(aggregate_id, snapshot["version"], snapshot["state"]) if snapshot else None
        )
        return await self._roll_forward(aggregate_id, current)

    async def _roll_forward(self, aggregate_id: str, current: Aggregate | None) -> Aggregate | None:
        """Over commits newer than ``current`` whose snapshot is missing or was overwritten by a
        slower writer (a crash between steps, or a race): write each, then look for the next."""
        version = current.version if current else 0
        while commit := await self.commits.find_one(
            {"_id": commit_id(self.kind, aggregate_id, version + 1)}
        ):
            version += 1
            current = Aggregate(aggregate_id, version, commit["state"])
            await self._write_snapshot(current)
        return current

    async def commit(
        self,
        aggregate_id: str,
        expected_version: int,
        state: Document,
        events: Sequence[CloudEvent[Any]] = (),
    ) -> Aggregate:
        version = expected_version + 1
        identifier = commit_id(self.kind, aggregate_id, version)
        nonce = str(uuid_utils.uuid7())
        now = await self._commit_time(aggregate_id, expected_version)
        entries = [outbox_entry(event) for event in events]
        marker = {
            "_id": marker_id(self.kind, aggregate_id, version, nonce),
            "commit": identifier,
            "nonce": nonce,
            "at": now,
            "events": entries,
        }
        started = time.monotonic()
        if entries:
            await self.outbox.insert_one(marker)
        try:
            await self._insert_commit(
                {
                    "_id": identifier,
                    "kind": self.kind,
                    "aggregate": aggregate_id,
                    "version": version,
                    "nonce": nonce,
                    "at": now,
                    "state": state,
                    "event_ids": [entry["value"]["id"] for entry in entries],
                }
            )
        except BaseException as error:
            # A definite failure leaves nothing to publish; after a possible write the marker
            # stays, and the relay publishes it if and only if our commit is there.
            if entries and not maybe_written(error):
                await self.outbox.delete_one({"_id": marker["_id"]})
            elif entries and time.monotonic() - started > self.slow_commit_seconds:
                with contextlib.suppress(Exception):
                    await self._keep_marker(marker)
            raise
        # Committed. Nothing below may turn that into an error for the caller.
        if entries and time.monotonic() - started > self.slow_commit_seconds:
            await self._keep_marker_or_log(marker)
        aggregate = Aggregate(aggregate_id, version, state)
        try:
            await self._write_snapshot(aggregate)
            await self._roll_forward(aggregate_id, aggregate)
        except Exception:  # the snapshot is a cache; the next load rolls it forward
            logger.warning("snapshot of %s left behind", identifier, exc_info=True)
        if entries:
            self.on_commit()
        return aggregate

    async def _commit_time(self, aggregate_id: str, expected_version: int) -> datetime:
        """Now, but after the previous commit of this aggregate: the relay orders markers by
        time, and a replica whose clock is behind must not put version n+1 before version n."""
        now = utc_now()
        if expected_version == 0:
            return now
        previous = await self.commits.find_one(
            {"_id": commit_id(self.kind, aggregate_id, expected_version)}, {"at": 1}
        )
        if previous is None:
            return now
        at: datetime = previous["at"]
        if at.tzinfo is None:  # a client without tz_aware reads BSON dates as naive UTC
            at = at.replace(tzinfo=UTC)
        return now if at < now else at + ONE_MILLISECOND

    async def _insert_commit(self, document: Document) -> None:
        """The commit point. Raises ``ConcurrentUpdate`` when another writer holds this version;
        retries an ambiguous failure, recognising an earlier attempt of ours by its nonce."""
        uncertain = False  # an earlier attempt may have landed
        for attempt in range(1, COMMIT_ATTEMPTS + 1):
            try:
                await self.commits.insert_one(document)
                return
            except Exception as error:
                if is_duplicate_key(error):
                    try:
                        held = await self.commits.find_one({"_id": document["_id"]}, {"nonce": 1})
                    except Exception as lookup:
                        raise CommitOutcomeUnknown(document["_id"]) from lookup
                    if held is not None and held.get("nonce") == document["nonce"]:
                        return
                    raise ConcurrentUpdate(document["_id"]) from error
                if maybe_written(error):
                    uncertain = True
                    if attempt < COMMIT_ATTEMPTS:
                        await asyncio.sleep(0.05 * attempt)
                        continue
                    raise
                if uncertain:  # this failure is definite, but an earlier attempt may have landed
                    raise CommitOutcomeUnknown(document["_id"]) from error
                raise

    async def _keep_marker(self, marker: Document) -> None:
        """After a commit slow enough for the relay to have judged its marker abandoned, put
        the marker back if it is gone: the commit exists, so the relay will publish it."""
        if await self.outbox.find_one({"_id": marker["_id"]}, {"_id": 1}) is None:
            try:
                await self.outbox.insert_one(marker)
            except Exception as error:
                if not is_duplicate_key(error):
                    raise

    async def _keep_marker_or_log(self, marker: Document) -> None:
        for attempt in range(1, COMMIT_ATTEMPTS + 1):
            try:
                await self._keep_marker(marker)
                return
            except Exception:
                if attempt == COMMIT_ATTEMPTS:
                    logger.error(
                        "could not put back the marker of %s: its events may not be published",
                        marker["commit"],
                        exc_info=True,
                    )
                    return
                await asyncio.sleep(0.05 * attempt)

    async def _write_snapshot(self, aggregate: Aggregate) -> None:
        """The snapshot is a cache of the latest commit. A stale write (a slow writer overtaken
        by a faster one) is repaired by the look for the next commit that follows every write.
        An exact ``_id`` filter keeps this an indexed write on FerretDB."""
        document = {
            "_id": aggregate.id,
            "version": aggregate.version,
            "state": aggregate.state,
            "updated_at": utc_now(),
        }
        try:
            await self.snapshots.replace_one({"_id": aggregate.id}, document, upsert=True)
        except Exception as error:
            # Two first upserts of one _id race on FerretDB (MongoDB retries this itself): the
            # other inserted it, so replacing it now is an update.
            if not is_duplicate_key(error):
                raise
            await self.snapshots.replace_one({"_id": aggregate.id}, document)

    async def history(self, aggregate_id: str, latest_version: int) -> list[Document]:
        """Every commit of one aggregate, oldest first: a get by ``_id`` per version."""
        found = []
        for version in range(1, latest_version + 1):
            commit = await self.commits.find_one(
                {"_id": commit_id(self.kind, aggregate_id, version)}
            )
            if commit is not None:
                found.append(commit)
        return found
