"""Aggregates committed by a unique-``_id`` insert, with their events relayed from an outbox.

FerretDB 1.24 has no transactions and no atomic read-modify-write, so one state change of
version ``v`` is three writes, each there for a reason:

1. **pointer** ``<kind>:<id>:<v>#<nonce>`` in ``outbox`` — tells the relay that this writer's
   commit of this version may exist. Written before the commit (only a big commit's event
   parts precede it, so that one insert is all that stands between pointer and commit point),
   so no commit can exist without a pointer:
   the relay finds every commit, and repairs its snapshot, even if the writer dies right after
   the commit point. Each writer has its own (the nonce), so a race loser's pointer, even one
   written after the winner's was settled, never makes the relay publish the winner's events
   again: the relay publishes a commit only through the pointer with the commit's nonce.
2. **commit** ``<kind>:<id>:<v>`` in ``commits``, holding the state and the events — **the commit
   point**: one insert with a unique ``_id`` either lands once or fails with a duplicate key, on
   MongoDB and FerretDB alike. The winner's events are the ones published.
3. **snapshot** ``<id>`` in the ``<kind>`` collection — a cache of the latest state, for scans;
   every overwrite of it is followed by a look for a newer commit (roll forward), so a slow
   writer's stale snapshot never outlives a newer commit (a first version's is inserted, never
   overwriting anything).

Every pending pointer gets a definite outcome from the relay (``outbox.py``): its commit exists
(publish it), or after ``fence_seconds`` the relay inserts a *void* commit at that version
(success voids the version; a duplicate key means the real commit landed after all). A void
carries no state, so a writer that meets one simply commits at the next version. Nothing waits
on a timer to decide what happened, and no pending pointer holds up any other aggregate.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import uuid_utils
from pymongo import ReplaceOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, ConnectionFailure

from skilleval_shared.envelope import (
    CloudEvent,
    EventData,
    envelope_dict,
    event_sequence,
    utc_now,
)
from skilleval_shared.storage.mongo import (
    WRITES_PER_COMMAND,
    Document,
    delete_each,
    duplicate_indexes,
    get_each,
    is_duplicate_key,
)
from skilleval_shared.storage.oversize import (
    CommitTooLarge,
    check_event_size,
    check_state_size,
    split_events,
)

__all__ = ["Aggregate", "AggregateStore", "CommitTooLarge", "ConcurrentUpdate"]

logger = logging.getLogger(__name__)

COMMITS = "commits"
OUTBOX = "outbox"
VOID_NONCE = "void"
COMMIT_ATTEMPTS = 3


class ConcurrentUpdate(Exception):
    """Another writer committed this version first; reload and decide again."""


class CommitOutcomeUnknown(Exception):
    """The commit insert may or may not have landed (an earlier attempt's reply was lost and the
    look at who holds the version failed). The relay settles it: published if it landed."""


class _VersionVoided(Exception):
    """The relay fenced this version; it carries no state, so commit at the next one."""


def maybe_written(error: BaseException) -> bool:
    """An error after which the write may still have landed: the request may have reached the
    server (lost connection, timeout) or the task was cancelled while it was in flight."""
    return isinstance(error, ConnectionFailure | asyncio.CancelledError | CommitOutcomeUnknown)


@dataclass(frozen=True)
class Aggregate:
    id: str
    version: int
    state: Document


def commit_id(kind: str, aggregate_id: str, version: int) -> str:
    return f"{kind}:{aggregate_id}:{version}"


def pointer_id(kind: str, aggregate_id: str, version: int, nonce: str) -> str:
    """Zero-padded, so one aggregate's pointers sort by version (``:10`` after ``:9``)."""
    return f"{kind}:{aggregate_id}:{version:012d}#{nonce}"


def outbox_entry(event: CloudEvent[Any]) -> Document:
    data: EventData = event.data
    value = envelope_dict(event)
    check_event_size(value)
    return {"topic": data.topic, "key": data.kafka_key(), "value": value}


def stamped(entries: list[Document], version: int) -> list[Document]:
    """The entries with their CloudEvents ``sequence`` for this version."""
    return [
        entry | {"value": entry["value"] | {"sequence": str(event_sequence(version, place))}}
        for place, entry in enumerate(entries)
    ]


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

    async def load(self, aggregate_id: str) -> Aggregate | None:
        """The latest state: the snapshot, rolled forward over any newer commits."""
        snapshot = await self.snapshots.find_one({"_id": aggregate_id})
        current = (
            Aggregate(aggregate_id, snapshot["version"], snapshot["state"]) if snapshot else None
        )
        return await self.roll_forward(aggregate_id, current)

    async def load_many(self, aggregate_ids: Sequence[str]) -> list[Aggregate | None]:
        """The latest states of many aggregates as their snapshots hold them (one get each),
        for a bulk decide-and-``commit_many``: a snapshot behind a newer commit only makes its
        commit refused (the version is taken), and the caller decides that one again after a
        full ``load``. An aggregate without a snapshot is loaded in full (a writer may have
        died between its commit and its snapshot)."""
        found = await get_each(self.snapshots, aggregate_ids)
        return [
            Aggregate(document["_id"], document["version"], document["state"])
            if document is not None
            else await self.load(aggregate_id)
            for aggregate_id, document in zip(aggregate_ids, found, strict=True)
        ]

    async def roll_forward(self, aggregate_id: str, current: Aggregate | None) -> Aggregate | None:
        """Over commits newer than ``current`` (a crash between steps, a race, a void): write
        each into the snapshot, then look for the next."""
        version = current.version if current else 0
        while commit := await self.commits.find_one(
            {"_id": commit_id(self.kind, aggregate_id, version + 1)}
        ):
            version += 1
            if commit["nonce"] != VOID_NONCE:
                current = Aggregate(aggregate_id, version, commit["state"])
            elif current is not None:
                current = Aggregate(aggregate_id, version, current.state)
            if current is not None:
                await self._write_snapshot(current)
        return current

    async def commit(
        self,
        aggregate_id: str,
        expected_version: int,
        state: Document,
        events: Sequence[CloudEvent[Any]] = (),
    ) -> Aggregate:
        """Commit the version after ``expected_version``; raises ``ConcurrentUpdate`` if another
        writer holds it, ``CommitTooLarge`` before writing anything if an event is too big."""
        check_state_size(state)
        entries = [outbox_entry(event) for event in events]
        version = expected_version + 1
        while True:
            try:
                await self._commit_at(aggregate_id, version, state, entries)
                break
            except _VersionVoided:
                version += 1
        aggregate = Aggregate(aggregate_id, version, state)
        # Committed. Nothing below may turn that into an error for the caller.
        try:
            await self._write_snapshot(aggregate)
            await self.roll_forward(aggregate_id, aggregate)
        except Exception:  # the snapshot is a cache; the relay and the next load repair it
            logger.warning("snapshot of %s:%s left behind", self.kind, aggregate_id, exc_info=True)
        self.on_commit()
        return aggregate

    async def commit_many(
        self, changes: Sequence[tuple[str, int, Document, Sequence[CloudEvent[Any]]]]
    ) -> set[str]:
        """Commit many aggregates at once, each ``(id, expected_version, state, events)`` at the
        version after its expected one: the same three writes as ``commit``, each as one bulk
        write for all of them (pointers, then the commits — each insert still its own commit
        point — then the snapshots). Returns the ids *not* committed: the version was taken
        (another writer, or a void), or the events need part documents. The caller decides
        those again one at a time. Any other failure raises; whatever landed has its pointer, so
        the relay publishes it, and a retry that loads first recognises it."""
        refused: set[str] = set()
        pointers: list[Document] = []
        documents: list[Document] = []
        now = utc_now()
        for aggregate_id, expected_version, state, events in changes:
            check_state_size(state)
            version = expected_version + 1
            inline, parts = split_events(stamped([outbox_entry(e) for e in events], version))
            if parts:
                refused.add(aggregate_id)
                continue
            identifier = commit_id(self.kind, aggregate_id, version)
            nonce = str(uuid_utils.uuid7())
            pointers.append(
                {
                    "_id": pointer_id(self.kind, aggregate_id, version, nonce),
                    "commit": identifier,
                    "nonce": nonce,
                    "kind": self.kind,
                    "aggregate": aggregate_id,
                    "version": version,
                    "events": len(inline),
                    "at": now,
                }
            )
            documents.append(
                {
                    "_id": identifier,
                    "kind": self.kind,
                    "aggregate": aggregate_id,
                    "version": version,
                    "nonce": nonce,
                    "at": now,
                    "state": state,
                    "events": inline,
                    "parts": 0,
                }
            )
        if not documents:
            return refused
        await self.outbox.insert_many(pointers, ordered=False)
        taken: set[int] = set()
        try:
            await self.commits.insert_many(documents, ordered=False)
        except BulkWriteError as error:
            taken = duplicate_indexes(error)  # anything but duplicates raises again
        for index in taken:  # nothing to announce; best effort, the relay settles it anyway
            with contextlib.suppress(Exception):
                await self.outbox.delete_one({"_id": pointers[index]["_id"]})
        refused |= {documents[index]["aggregate"] for index in taken}
        committed = [doc for index, doc in enumerate(documents) if index not in taken]
        try:
            await self._write_snapshots(committed)
        except Exception:  # the snapshot is a cache; the relay and the next load repair it
            logger.warning(
                "snapshots of %d %s left behind", len(committed), self.kind, exc_info=True
            )
        else:
            # A commit without events has nothing to publish, and its snapshot is written: its
            # pointer has done its work, so the relay need not read it (best effort: the relay
            # settles what is left).
            landed = {document["_id"] for document in committed}
            quiet = [p["_id"] for p in pointers if p["events"] == 0 and p["commit"] in landed]
            with contextlib.suppress(Exception):
                await delete_each(self.outbox, quiet)
        self.on_commit()
        return refused

    async def _write_snapshots(self, commits: list[Document]) -> None:
        """As ``commit`` does one by one, in bulk. A first version is inserted: a newer
        snapshot already there (its writer upserts) is kept, so nothing more is needed. A later
        one is upserted by exact ``_id`` (the only filter FerretDB serves from an index) and
        may overwrite a newer writer's: those look for a newer commit and roll forward over
        it, so no snapshot stays behind one."""
        now = utc_now()
        snapshots = [
            {"_id": c["aggregate"], "version": c["version"], "state": c["state"], "updated_at": now}
            for c in commits
        ]
        first = [snapshot for snapshot in snapshots if snapshot["version"] == 1]
        if first:
            try:
                await self.snapshots.insert_many(first, ordered=False)
            except BulkWriteError as error:
                duplicate_indexes(error)  # a newer writer's snapshot is there: keep it
        later = [snapshot for snapshot in snapshots if snapshot["version"] > 1]
        for start in range(0, len(later), WRITES_PER_COMMAND):
            await self._upsert_snapshots(later[start : start + WRITES_PER_COMMAND])
        newer = await get_each(
            self.commits,
            [commit_id(self.kind, s["_id"], s["version"] + 1) for s in later],
            {"_id": 1},
        )
        for snapshot, found in zip(later, newer, strict=True):
            if found is not None:
                current = Aggregate(snapshot["_id"], snapshot["version"], snapshot["state"])
                await self.roll_forward(snapshot["_id"], current)

    async def _upsert_snapshots(self, snapshots: list[Document]) -> None:
        try:
            await self.snapshots.bulk_write(
                [ReplaceOne({"_id": s["_id"]}, s, upsert=True) for s in snapshots], ordered=False
            )
        except BulkWriteError as error:
            # Two first upserts of one _id race on FerretDB (see _write_snapshot): replace it.
            for index in sorted(duplicate_indexes(error)):
                await self.snapshots.replace_one({"_id": snapshots[index]["_id"]}, snapshots[index])

    async def _commit_at(
        self, aggregate_id: str, version: int, state: Document, entries: list[Document]
    ) -> None:
        identifier = commit_id(self.kind, aggregate_id, version)
        nonce = str(uuid_utils.uuid7())
        now = utc_now()
        pointer = pointer_id(self.kind, aggregate_id, version, nonce)
        # Parts go in before the pointer, so that what stands between the pointer and the commit
        # point is one insert, whatever the commit's size: a big commit whose parts took longer
        # than the fence would otherwise be voided on every attempt and never land. A part
        # without its commit (a race loser's, a dead writer's) is an orphan nothing reads.
        inline, parts = split_events(stamped(entries, version))
        for number, part in enumerate(parts):
            await self._insert_once(
                self.commits, {"_id": f"{identifier}#{nonce}#{number}", "events": part}
            )
        await self.outbox.insert_one(
            {
                "_id": pointer,
                "commit": identifier,
                "nonce": nonce,
                "kind": self.kind,
                "aggregate": aggregate_id,
                "version": version,
                "events": len(entries),
                "at": now,
            },
        )
        commit = {
            "_id": identifier,
            "kind": self.kind,
            "aggregate": aggregate_id,
            "version": version,
            "nonce": nonce,
            "at": now,
            "state": state,
            "events": inline,
            "parts": len(parts),
        }
        try:
            await self._insert_commit(commit)
        except BaseException as error:
            if not maybe_written(error):
                # Definitely not ours (another writer or a void holds the version, or the insert
                # was refused): our pointer has nothing to announce. Best effort; the relay
                # settles it anyway.
                with contextlib.suppress(Exception):
                    await self.outbox.delete_one({"_id": pointer})
            raise

    async def _insert_commit(self, document: Document) -> None:
        """The commit point. Retries an ambiguous failure, recognising an earlier attempt of
        ours by its nonce; a version held by another writer or by the relay's void raises."""
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
                    holder = held.get("nonce") if held else None
                    if holder == document["nonce"]:
                        return
                    if holder == VOID_NONCE:
                        raise _VersionVoided(document["_id"]) from error
                    raise ConcurrentUpdate(document["_id"]) from error
                if maybe_written(error) and attempt < COMMIT_ATTEMPTS:
                    uncertain = True
                    await asyncio.sleep(0.05 * attempt)
                    continue
                if uncertain and not maybe_written(error):
                    raise CommitOutcomeUnknown(document["_id"]) from error
                raise

    @staticmethod
    async def _insert_once(collection: Any, document: Document) -> None:
        try:
            await collection.insert_one(document)
        except Exception as error:
            if not is_duplicate_key(error):
                raise

    async def _write_snapshot(self, aggregate: Aggregate) -> None:
        """An exact ``_id`` filter keeps this an indexed write on FerretDB."""
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
        """Every commit of one aggregate, oldest first (voids left out): a get per version."""
        found = []
        for version in range(1, latest_version + 1):
            commit = await self.commits.find_one(
                {"_id": commit_id(self.kind, aggregate_id, version)}
            )
            if commit is not None and commit["nonce"] != VOID_NONCE:
                found.append(commit)
        return found
