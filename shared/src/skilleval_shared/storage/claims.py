"""Once-only side effects ("one email per event and recipient"): claim, act, record the outcome.

1. **Claim** by inserting ``{_id: key}``: the unique insert is the only step that two processes
   cannot both win (FerretDB has no transactions, and its updates can be lost, so no flag on a
   shared document could do this). The winner sees :attr:`ClaimState.NEW` and acts.
2. **Act** — outside the database, so it can neither be undone nor joined to the claim.
3. **Record** the outcome on the claim (``$set`` on the one document; only its claimer writes it).

A later claim of the key finds the document: with an outcome it is :attr:`ClaimState.DONE`
(skip); without one it is :attr:`ClaimState.PENDING`: the claimer crashed between claim and
record, or is still acting. No timer guesses which: the caller may act again, so the act must be
safe to repeat (an email with a deterministic Message-ID, a call with an idempotency key), and
only the pending case, rare, ever repeats it. :meth:`Claims.get` shows when a key was claimed
for a caller that prefers to wait for a redelivery.

``claim_many`` claims a batch with one ``insert_many(ordered=False)``; only the keys refused as
duplicates are then read, each by ``_id`` (FerretDB would answer ``$in`` with a full scan).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

from skilleval_shared.envelope import utc_now
from skilleval_shared.storage.mongo import Document, duplicate_indexes, is_duplicate_key
from skilleval_shared.tasks import gather_limited

# Update statements per command (see ``Claims.record_many``).
UPDATE_SLICE = 16


class ClaimState(StrEnum):
    NEW = "new"  # this call inserted the claim: act, then record
    DONE = "done"  # an outcome is recorded: skip
    PENDING = "pending"  # claimed before, no outcome yet: acting again must be harmless


@dataclass(frozen=True)
class ClaimRecord:
    key: str
    claimed_at: datetime
    outcome: str | None = None
    recorded_at: datetime | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def state(self) -> ClaimState:
        return ClaimState.PENDING if self.outcome is None else ClaimState.DONE


class Claims:
    """Claims in one collection; ``scope`` prefixes the keys so several uses can share it."""

    def __init__(
        self, collection: AsyncCollection[Document], scope: str = "", *, read_concurrency: int = 8
    ) -> None:
        self.collection = collection
        self.prefix = f"{scope}:" if scope else ""
        self.read_concurrency = read_concurrency

    async def claim(self, key: str) -> ClaimState:
        try:
            await self.collection.insert_one({"_id": self.prefix + key, "claimed_at": utc_now()})
            return ClaimState.NEW
        except Exception as error:
            if not is_duplicate_key(error):
                raise
        return await self._state_of(key)

    async def claim_many(self, keys: Iterable[str]) -> dict[str, ClaimState]:
        """Each distinct key's state, in the order given: one bulk insert, then reads of losers."""
        unique = list(dict.fromkeys(keys))
        states = dict.fromkeys(unique, ClaimState.NEW)
        if not unique:
            return states
        now = utc_now()
        try:
            docs = [{"_id": self.prefix + key, "claimed_at": now} for key in unique]
            await self.collection.insert_many(docs, ordered=False)
        except BulkWriteError as error:
            taken = [unique[index] for index in sorted(duplicate_indexes(error))]
            found = await gather_limited(map(self._state_of, taken), self.read_concurrency)
            states.update(zip(taken, found, strict=True))
        return states

    async def record(self, key: str, outcome: str, **details: Any) -> None:
        """Record what the act did; a key never claimed is claimed and recorded at once."""
        change = {"outcome": outcome, "details": details, "recorded_at": utc_now()}
        update = {"$set": change, "$setOnInsert": {"claimed_at": change["recorded_at"]}}
        try:
            await self.collection.update_one({"_id": self.prefix + key}, update, upsert=True)
        except Exception as error:  # a racing upsert inserted it first: now it exists
            if not is_duplicate_key(error):
                raise
            await self.collection.update_one({"_id": self.prefix + key}, {"$set": change})

    async def record_many(self, outcomes: Iterable[tuple[str, str, dict[str, Any]]]) -> None:
        """Record the outcomes (key, outcome, details) of claimed keys in one bulk write.

        Plain updates, no upserts, in slices of ``UPDATE_SLICE``: FerretDB 1.24 (SQLite) keeps
        a pooled connection per update statement until the whole command ends, and two or three
        concurrent 64-statement updates exhausted its pool and hung the database for good. A
        key that was never claimed is recorded one by one, as ``record`` does it.
        """
        now = utc_now()
        items = list(outcomes)
        writes = [
            UpdateOne(
                {"_id": self.prefix + key},
                {"$set": {"outcome": outcome, "details": details, "recorded_at": now}},
            )
            for key, outcome, details in items
        ]
        if not writes:
            return
        matched = 0
        for start in range(0, len(writes), UPDATE_SLICE):
            part = writes[start : start + UPDATE_SLICE]
            matched += (await self.collection.bulk_write(part, ordered=False)).matched_count
        if matched < len(writes):
            for key, outcome, details in items:
                if await self.collection.find_one({"_id": self.prefix + key}) is None:
                    await self.record(key, outcome, **details)

    async def get(self, key: str) -> ClaimRecord | None:
        found = await self.collection.find_one({"_id": self.prefix + key})
        if found is None:
            return None
        return ClaimRecord(
            key=key,
            claimed_at=found["claimed_at"],
            outcome=found.get("outcome"),
            recorded_at=found.get("recorded_at"),
            details=found.get("details", {}),
        )

    async def _state_of(self, key: str) -> ClaimState:
        found = await self.get(key)
        assert found is not None, "a claim is never deleted"
        return found.state
