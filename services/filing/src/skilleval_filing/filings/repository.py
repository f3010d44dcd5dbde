"""Where filings live: one aggregate per filing, ``<USCC>-<n>`` for an enterprise's n-th filing.

An enterprise files again only after an earlier filing ended (rejected or revoked), so ``n`` stays
small and "the latest filing of an enterprise" is a few gets by ``_id`` — fast on FerretDB.
The stored state is ``{"filing": Filing, "application": draft, "catalog": Catalog | None,
"materials": {kind: file record}}``, each part as JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from skilleval_filing.filings.lifecycle import FilingState
from skilleval_filing.filings.model import Filing
from skilleval_shared.cache import TimedValue
from skilleval_shared.envelope import CloudEvent
from skilleval_shared.storage.aggregates import AggregateStore
from skilleval_shared.storage.mongo import Document

KIND = "filing"


def filing_id(uscc: str, n: int) -> str:
    return f"{uscc}-{n}"


# An enterprise files again only after an earlier filing ended, so six digits are plenty.
MAX_SEQUENCE_DIGITS = 6


def parse_filing_id(value: str) -> tuple[str, int] | None:
    """``(uscc, n)``, or None for anything that cannot be a filing id. Only ASCII digits count:
    ``str.isdigit`` also takes "²" (which ``int`` refuses) and any number of digits."""
    uscc, _, number = value.rpartition("-")
    if len(uscc) != 18 or not _is_sequence(number):
        return None
    return uscc, int(number)


def _is_sequence(number: str) -> bool:
    return 0 < len(number) <= MAX_SEQUENCE_DIGITS and number.isascii() and number.isdigit()


@dataclass
class StoredFiling:
    """A filing with what is kept beside the lifecycle: the form, the catalog, the materials."""

    filing: Filing
    version: int
    application: Document = field(default_factory=dict)
    catalog: Document | None = None
    materials: dict[str, Document] = field(default_factory=dict)

    def to_state(self) -> Document:
        return {
            "filing": self.filing.model_dump(mode="json"),
            "uscc": self.filing.uscc,
            "status": self.filing.state.value,
            "application": self.application,
            "catalog": self.catalog,
            "materials": self.materials,
        }

    @classmethod
    def from_state(cls, state: Document, version: int) -> StoredFiling:
        return cls(
            filing=Filing.model_validate(state["filing"]),
            version=version,
            application=state.get("application") or {},
            catalog=state.get("catalog"),
            materials=state.get("materials") or {},
        )


class FilingRepository:
    def __init__(self, store: AggregateStore, *, public_cache_seconds: float = 0.0) -> None:
        self.store = store
        # The public notice list: one scan per TTL instead of one per anonymous request.
        self.on_notice = TimedValue(
            lambda: self.all_in_status(FilingState.ON_NOTICE.value), public_cache_seconds
        )

    async def get(self, identifier: str) -> StoredFiling | None:
        if parse_filing_id(identifier) is None:
            return None
        found = await self.store.load(identifier)
        return StoredFiling.from_state(found.state, found.version) if found else None

    async def latest_for(self, uscc: str) -> StoredFiling | None:
        latest: StoredFiling | None = None
        n = 1
        while (found := await self.get(filing_id(uscc, n))) is not None:
            latest = found
            n += 1
        return latest

    async def next_id_for(self, uscc: str) -> str:
        latest = await self.latest_for(uscc)
        if latest is None:
            return filing_id(uscc, 1)
        parsed = parse_filing_id(latest.filing.filing_id)
        assert parsed is not None
        return filing_id(uscc, parsed[1] + 1)

    async def save(
        self, stored: StoredFiling, events: Sequence[CloudEvent[Any]] = ()
    ) -> StoredFiling:
        """Commit the next version; raises ``ConcurrentUpdate`` if another writer got there."""
        committed = await self.store.commit(
            stored.filing.filing_id, stored.version, stored.to_state(), events
        )
        stored.version = committed.version
        self.on_notice.invalidate()  # this replica shows its own changes at once
        return stored

    async def all_in_status(self, status: str, limit: int = 10_000) -> list[StoredFiling]:
        """A scan of the snapshots (one per filing); used by the scheduler and staff lists."""
        cursor = self.store.snapshots.find({"state.status": status}).limit(limit)
        return [
            StoredFiling.from_state(document["state"], document["version"])
            async for document in cursor
        ]
