"""The catalog book, an aggregate (kind ``catalog``, id USCC): the enterprise's current catalog
version, how every version came about, and its change requests.

Every submission and decision commits this one aggregate, so concurrent decisions on the same
enterprise are serialized by the unique commit. Version 1 is the filed catalog, derived from the
filing until the first commit; the catalog of a later version lives in the commit that made it
(``VersionRecord.commit``), so each commit carries one catalog, not all of them. A new filing
after a revocation starts a new book from its own version 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from skilleval_filing.catalog.changes import (
    CatalogChangeRequest,
    CatalogVersion,
    Operation,
    first_version,
)
from skilleval_filing.filings.filed import filed_catalog, filed_on
from skilleval_filing.filings.lifecycle import FilingState
from skilleval_filing.filings.model import FilingRecord
from skilleval_filing.review import ReviewState
from skilleval_shared.repository import Loaded


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
    def first(cls, stored: FilingRecord) -> CatalogBook:
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

    @property
    def pending(self) -> tuple[ChangeRecord, ...]:
        return tuple(c for c in self.changes if c.state is ReviewState.SUBMITTED)


@dataclass(frozen=True)
class OpenBook:
    """The book of an enterprise's latest filing, as loaded at aggregate ``version``."""

    book: CatalogBook
    version: int  # the aggregate's commit version it was loaded at
    filing: FilingRecord

    @property
    def filing_state(self) -> FilingState:
        return self.filing.filing.state


def open_book(stored: FilingRecord, found: Loaded[CatalogBook] | None) -> OpenBook:
    """``found``'s book if it belongs to the filing ``stored``, else that filing's first book
    (a new filing after a revocation starts from its own version 1)."""
    version = found.version if found else 0
    if found is not None and found.state.filing_id == stored.filing.filing_id:
        return OpenBook(found.state, version, stored)
    return OpenBook(CatalogBook.first(stored), version, stored)
