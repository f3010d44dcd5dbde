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
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import uuid_utils
from pymongo.asynchronous.database import AsyncDatabase

from skilleval_shared.envelope import CloudEvent, EventData, envelope_dict, utc_now
from skilleval_shared.storage.mongo import Document, is_duplicate_key

COMMITS = "commits"
OUTBOX = "outbox"


class ConcurrentUpdate(Exception):
    """Another writer committed this version first; reload and decide again."""


@dataclass(frozen=True)
class Aggregate:
    id: str
    version: int
    state: Document


def commit_id(kind: str, aggregate_id: str, version: int) -> str:
    return f"{kind}:{aggregate_id}:{version}"


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

    async def load(self, aggregate_id: str) -> Aggregate | None:
        snapshot = await self.snapshots.find_one({"_id": aggregate_id})
        current = (
            Aggregate(aggregate_id, snapshot["version"], snapshot["state"]) if snapshot else None
        )
        version = current.version if current else 0
        # Roll forward over commits whose snapshot write did not happen (a crash between steps).
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
        now = utc_now()
        entries = [outbox_entry(event) for event in events]
        if entries:
            await self.outbox.insert_one(
                {
                    "_id": f"{identifier}#{nonce}",
                    "commit": identifier,
                    "nonce": nonce,
                    "at": now,
                    "events": entries,
                }
            )
        try:
            await self.commits.insert_one(
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
        except Exception as error:
            if entries:
                await self.outbox.delete_one({"_id": f"{identifier}#{nonce}"})
            if is_duplicate_key(error):
                raise ConcurrentUpdate(identifier) from error
            raise
        aggregate = Aggregate(aggregate_id, version, state)
        await self._write_snapshot(aggregate)
        if entries:
            self.on_commit()
        return aggregate

    async def _write_snapshot(self, aggregate: Aggregate) -> None:
        """The snapshot is a cache: ``load`` rolls forward over newer commits, so a stale write
        (a slow writer overtaken by a faster one) costs a roll-forward, never correctness. An
        exact ``_id`` filter keeps this an indexed write on FerretDB."""
        document = {
            "_id": aggregate.id,
            "version": aggregate.version,
            "state": aggregate.state,
            "updated_at": utc_now(),
        }
        await self.snapshots.replace_one({"_id": aggregate.id}, document, upsert=True)

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
