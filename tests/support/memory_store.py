"""An in-memory ``AggregateStore`` for unit tests of models and services: same commit rule
(version n+1 happens once), the events of each commit kept in ``published``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from skilleval_shared.envelope import CloudEvent
from skilleval_shared.storage.aggregates import Aggregate, ConcurrentUpdate


def _value(document: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        if not isinstance(document, dict):
            return None
        document = document.get(part)  # type: ignore[assignment]
    return document


def _matches(document: dict[str, Any], query: dict[str, Any]) -> bool:
    for key, wanted in query.items():
        if key == "$or":
            if not any(_matches(document, branch) for branch in wanted):
                return False
            continue
        value = _value(document, key)
        if isinstance(wanted, dict) and "$gt" in wanted:
            if value is None or not value > wanted["$gt"]:
                return False
        elif isinstance(wanted, dict) and "$in" in wanted:
            if value not in wanted["$in"]:
                return False
        elif value != wanted:
            return False
    return True


class _Cursor:
    def __init__(self, documents: list[dict[str, Any]]) -> None:
        self.documents = documents

    def limit(self, count: int) -> _Cursor:
        return _Cursor(self.documents[:count])

    async def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        for document in self.documents:
            yield document


class _Snapshots:
    def __init__(self) -> None:
        self.documents: dict[str, dict[str, Any]] = {}

    def find(self, query: dict[str, Any] | None = None) -> _Cursor:
        return _Cursor([d for d in self.documents.values() if _matches(d, query or {})])


class MemoryStore:
    def __init__(self, kind: str = "test") -> None:
        self.kind = kind
        self.commits: dict[tuple[str, int], dict[str, Any]] = {}
        self.snapshots = _Snapshots()
        self.published: list[CloudEvent[Any]] = []

    async def load(self, aggregate_id: str) -> Aggregate | None:
        found = self.snapshots.documents.get(aggregate_id)
        return Aggregate(aggregate_id, found["version"], found["state"]) if found else None

    async def load_many(self, aggregate_ids: Sequence[str]) -> list[Aggregate | None]:
        return [await self.load(aggregate_id) for aggregate_id in aggregate_ids]

    async def commit(
        self,
        aggregate_id: str,
        expected_version: int,
        state: dict[str, Any],
        events: Sequence[CloudEvent[Any]] = (),
    ) -> Aggregate:
        version = expected_version + 1
        if (aggregate_id, version) in self.commits:
            raise ConcurrentUpdate(f"{self.kind}:{aggregate_id}:{version}")
        self.commits[(aggregate_id, version)] = {"version": version, "state": state}
        self.snapshots.documents[aggregate_id] = {
            "_id": aggregate_id,
            "version": version,
            "state": state,
        }
        self.published.extend(events)
        return Aggregate(aggregate_id, version, state)

    async def commit_many(
        self, changes: Sequence[tuple[str, int, dict[str, Any], Sequence[CloudEvent[Any]]]]
    ) -> set[str]:
        refused = set()
        for aggregate_id, expected_version, state, events in changes:
            try:
                await self.commit(aggregate_id, expected_version, state, events)
            except ConcurrentUpdate:
                refused.add(aggregate_id)
        return refused

    async def history(self, aggregate_id: str, latest_version: int) -> list[dict[str, Any]]:
        return [
            self.commits[(aggregate_id, version)]
            for version in range(1, latest_version + 1)
            if (aggregate_id, version) in self.commits
        ]

    def event_types(self) -> list[str]:
        return [event.type for event in self.published]
