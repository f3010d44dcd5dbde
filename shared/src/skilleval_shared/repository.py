"""``Repository[T]``: one kind of aggregate, its state a pydantic model, over the core's store.

Load gives the state and the version it was read at; save commits the next version with its
events (raising ``ConcurrentUpdate`` when another writer got there first); ``retrying`` runs a
load → decide → save attempt again on such a conflict, so services never write that loop.
Scans of the latest states (for lists) live here too, so no service queries the store itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import pymongo
from pydantic import BaseModel

from skilleval_shared.domain_errors import NotFound
from skilleval_shared.envelope import CloudEvent
from skilleval_shared.storage.aggregates import Aggregate, ConcurrentUpdate

T = TypeVar("T", bound=BaseModel)
R = TypeVar("R")
Document = dict[str, Any]
CONFLICT_ATTEMPTS = 5
SCAN_LIMIT = 1000
# A scan of every stored state (a staff list or report) may take longer than a request's
# database timeout: ~100,000 sync records took FerretDB past 10 s (found by `make fuzz`).
REPORT_SECONDS = 300.0


async def retry_on_conflict(
    attempt: Callable[[], Awaitable[R]], attempts: int = CONFLICT_ATTEMPTS
) -> R:
    """Run ``attempt`` (load → decide → save) again while another writer wins the commit; each
    attempt decides on fresh state, so a retry is always correct. The last conflict is raised."""
    for remaining in range(attempts - 1, -1, -1):
        try:
            return await attempt()
        except ConcurrentUpdate:
            if remaining == 0:
                raise
    raise AssertionError("unreachable")


class Store(Protocol):
    """What a repository needs of ``AggregateStore`` (and what the in-memory fake provides)."""

    snapshots: Any

    async def load(self, aggregate_id: str) -> Aggregate | None: ...

    async def load_many(self, aggregate_ids: Sequence[str]) -> list[Aggregate | None]: ...

    async def commit(
        self,
        aggregate_id: str,
        expected_version: int,
        state: Document,
        events: Sequence[CloudEvent[Any]] = (),
    ) -> Aggregate: ...

    async def commit_many(
        self, changes: Sequence[tuple[str, int, Document, Sequence[CloudEvent[Any]]]]
    ) -> set[str]: ...

    async def history(self, aggregate_id: str, latest_version: int) -> list[Document]: ...


@dataclass(frozen=True)
class Loaded(Generic[T]):
    """An aggregate's state as read at ``version`` (0: not stored yet)."""

    id: str
    version: int
    state: T


class Repository(Generic[T]):
    def __init__(
        self,
        store: Store,
        model: type[T],
        *,
        missing: str = "资源不存在",
        indexed: Callable[[T], Mapping[str, Any]] = lambda state: {},
        on_save: Callable[[], None] = lambda: None,
    ) -> None:
        """``missing`` is the ``NotFound`` message of ``get``; ``indexed`` adds top-level
        fields to the stored state for ``find`` (e.g. ``status``); ``on_save`` runs after each
        commit (e.g. to drop a cached list)."""
        self.store = store
        self.model = model
        self.missing = missing
        self.indexed = indexed
        self.on_save = on_save

    def _document(self, state: T) -> Document:
        return {**state.model_dump(mode="json"), **self.indexed(state)}

    def _loaded(self, aggregate_id: str, version: int, state: Document) -> Loaded[T]:
        return Loaded(aggregate_id, version, self.model.model_validate(state))

    async def load(self, aggregate_id: str) -> Loaded[T] | None:
        found = await self.store.load(aggregate_id)
        return self._loaded(found.id, found.version, found.state) if found else None

    async def load_many(self, aggregate_ids: Sequence[str]) -> list[Loaded[T] | None]:
        """Many states for a bulk decide-and-``save_many``, one get each: possibly behind a
        newer commit, which ``save_many`` then refuses (decide those again after ``load``)."""
        found = await self.store.load_many(aggregate_ids)
        return [self._loaded(f.id, f.version, f.state) if f else None for f in found]

    async def get(self, aggregate_id: str) -> Loaded[T]:
        """The aggregate, or ``NotFound`` with this repository's message."""
        found = await self.load(aggregate_id)
        if found is None:
            raise NotFound(self.missing)
        return found

    async def save(
        self,
        aggregate_id: str,
        expected_version: int,
        state: T,
        events: Sequence[CloudEvent[Any]] = (),
    ) -> Loaded[T]:
        """Commit version ``expected_version + 1``; ``ConcurrentUpdate`` if it is taken."""
        document = self._document(state)
        committed = await self.store.commit(aggregate_id, expected_version, document, events)
        self.on_save()
        return Loaded(aggregate_id, committed.version, state)

    async def save_many(
        self, changes: Sequence[tuple[str, int, T, Sequence[CloudEvent[Any]]]]
    ) -> set[str]:
        """``save`` for many aggregates in bulk writes (``AggregateStore.commit_many``); returns
        the ids not saved (the version was taken), to be decided again one at a time."""
        documents = [
            (
                aggregate_id,
                version,
                {**state.model_dump(mode="json"), **self.indexed(state)},
                events,
            )
            for aggregate_id, version, state, events in changes
        ]
        refused = await self.store.commit_many(documents)
        self.on_save()
        return refused

    async def add(
        self, aggregate_id: str, state: T, events: Sequence[CloudEvent[Any]] = ()
    ) -> Loaded[T]:
        """Store a new aggregate; ``ConcurrentUpdate`` if one with this id exists."""
        return await self.save(aggregate_id, 0, state, events)

    async def retrying(
        self, attempt: Callable[[], Awaitable[R]], attempts: int = CONFLICT_ATTEMPTS
    ) -> R:
        return await retry_on_conflict(attempt, attempts)

    async def find(self, query: Mapping[str, Any], limit: int = SCAN_LIMIT) -> list[Loaded[T]]:
        """A scan of the latest states: ``query`` names stored fields (``{"status": "filed"}``)."""
        where = {
            f"state.{key}" if not key.startswith("$") else key: value
            for key, value in query.items()
        }
        if "$or" in where:
            where["$or"] = [
                {f"state.{key}": value for key, value in branch.items()} for branch in where["$or"]
            ]
        # A scan of the whole kind on FerretDB: its own timeout, as count_by's.
        with pymongo.timeout(REPORT_SECONDS):
            cursor = self.store.snapshots.find(where).limit(limit)
            return [
                self._loaded(document["_id"], document["version"], document["state"])
                async for document in cursor
            ]

    async def count_by(self, field: str) -> dict[Any, int]:
        """How many latest states have each value of a stored field: one ``$group`` in the
        server (FerretDB supports ``$group`` with ``$sum``), nothing loaded here; a scan, with
        ``REPORT_SECONDS`` to finish."""
        pipeline = [{"$group": {"_id": f"$state.{field}", "count": {"$sum": 1}}}]
        with pymongo.timeout(REPORT_SECONDS):
            cursor = await self.store.snapshots.aggregate(pipeline)
            return {item["_id"]: int(item["count"]) async for item in cursor}

    async def state_at(self, aggregate_id: str, version: int) -> T | None:
        """The state an earlier commit left, or None if there is no such commit."""
        for commit in reversed(await self.store.history(aggregate_id, version)):
            if commit["version"] == version:
                return self.model.model_validate(commit["state"])
        return None
