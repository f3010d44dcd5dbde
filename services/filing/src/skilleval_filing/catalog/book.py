"""The catalog aggregate (kind ``catalog``, id USCC): the enterprise's current catalog version,
how every version came about, and its change requests.

Every submission and decision commits this one aggregate, so concurrent decisions on the same
enterprise are serialized by the unique commit. Version 1 is the filed catalog, derived from the
filing until the first commit; the catalog of a later version lives in the commit that made it
(``VersionRecord.commit``), so each commit carries one catalog, not all of them. A new filing
after a revocation starts a new book from its own version 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from skilleval_filing.catalog.changes import (
    CatalogChangeRequest,
    CatalogVersion,
    Operation,
    first_version,
)
from skilleval_filing.catalog.table import Catalog
from skilleval_filing.filings.filed import filed_catalog, filed_on, latest_filed
from skilleval_filing.filings.repository import FilingRepository, StoredFiling
from skilleval_filing.review import ReviewState
from skilleval_shared.envelope import CloudEvent
from skilleval_shared.storage.aggregates import AggregateStore, commit_id
from skilleval_shared.storage.mongo import Document

KIND = "catalog"


class VersionRecord(BaseModel):
    """Who made version ``version`` effective, and when; ``change_id`` is None for the filing."""

    model_config = ConfigDict(frozen=True)

    version: int
    change_id: str | None = None
    effective_on: date
    operations: tuple[Operation, ...] = ()
    explanation: str = ""
    submitted_by: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    commit: int | None = None


class ChangeRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    request: CatalogChangeRequest
    submitted_by: str
    submitted_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    made_version: int | None = None

    @property
    def change_id(self) -> str:
        return self.request.change_id

    @property
    def state(self) -> ReviewState:
        return self.request.review.state


class CatalogBook(BaseModel):
    model_config = ConfigDict(frozen=True)

    uscc: str
    filing_id: str
    current: CatalogVersion
    history: tuple[VersionRecord, ...]
    changes: tuple[ChangeRecord, ...] = ()

    @classmethod
    def first(cls, stored: StoredFiling) -> CatalogBook:
        version, entry = first_version(filed_catalog(stored), filed_on(stored))
        record = VersionRecord(version=entry.version, effective_on=entry.effective_on)
        return cls(
            uscc=stored.filing.uscc,
            filing_id=stored.filing.filing_id,
            current=version,
            history=(record,),
        )

    def change(self, change_id: str) -> ChangeRecord | None:
        return next((c for c in self.changes if c.change_id == change_id), None)

    def with_change(self, record: ChangeRecord) -> CatalogBook:
        others = tuple(c for c in self.changes if c.change_id != record.change_id)
        if len(others) == len(self.changes):
            return self.model_copy(update={"changes": (*self.changes, record)})
        changes = tuple(record if c.change_id == record.change_id else c for c in self.changes)
        return self.model_copy(update={"changes": changes})

    def to_state(self) -> Document:
        pending = sum(1 for c in self.changes if c.state is ReviewState.SUBMITTED)
        return {**self.model_dump(mode="json"), "pending": pending}


@dataclass(frozen=True)
class OpenBook:
    book: CatalogBook
    version: int  # the aggregate's commit version it was loaded at
    filing: StoredFiling


class CatalogBooks:
    def __init__(self, store: AggregateStore, filings: FilingRepository) -> None:
        self.store = store
        self.filings = filings

    async def open(self, uscc: str) -> OpenBook | None:
        """The book of the enterprise's latest filing, or None if it was never filed."""
        stored = await latest_filed(self.filings, uscc)
        if stored is None:
            return None
        found = await self.store.load(uscc)
        version = found.version if found else 0
        if found is not None and found.state["filing_id"] == stored.filing.filing_id:
            return OpenBook(CatalogBook.model_validate(found.state), version, stored)
        return OpenBook(CatalogBook.first(stored), version, stored)

    async def save(
        self, opened: OpenBook, book: CatalogBook, events: Sequence[CloudEvent[Any]]
    ) -> None:
        """Raises ``ConcurrentUpdate`` when another writer committed since ``open``."""
        await self.store.commit(book.uscc, opened.version, book.to_state(), events)

    async def catalog_of(self, opened: OpenBook, record: VersionRecord) -> Catalog:
        if record.commit is None:
            return filed_catalog(opened.filing)
        commit = await self.store.commits.find_one(
            {"_id": commit_id(KIND, opened.book.uscc, record.commit)}
        )
        if commit is None:
            raise RuntimeError(f"catalog commit {record.commit} of {opened.book.uscc} is missing")
        return CatalogBook.model_validate(commit["state"]).current.catalog

    async def with_pending_changes(self, limit: int = 1000) -> list[CatalogBook]:
        """A scan of the snapshots (one per enterprise with a change); for the staff worklist."""
        cursor = self.store.snapshots.find({"state.pending": {"$gt": 0}}).limit(limit)
        return [CatalogBook.model_validate(document["state"]) async for document in cursor]
