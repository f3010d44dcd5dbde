"""动态管理: a filed enterprise proposes a catalog change; city-centre staff accept or reject it.

Every submission and decision commits the enterprise's one book (``Repository[CatalogBook]``),
so concurrent decisions on the same enterprise are serialized by the unique commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import uuid_utils

from skilleval_filing import event_parts
from skilleval_filing.actors import Caller
from skilleval_filing.catalog.access import DEFAULT as DEFAULT_ACCESS
from skilleval_filing.catalog.access import AccessOccupations, ensure_no_access_occupations
from skilleval_filing.catalog.changes import (
    CatalogChange,
    CatalogVersion,
    Operation,
    review_change,
    submit_change,
)
from skilleval_filing.catalog.model import (
    CatalogBook,
    ChangeRecord,
    OpenBook,
    VersionRecord,
    open_book,
)
from skilleval_filing.catalog.table import CatalogTable
from skilleval_filing.filings.filed import filed_catalog, latest_filed
from skilleval_filing.filings.lifecycle import FilingState
from skilleval_filing.filings.remarks import Remark
from skilleval_filing.filings.repository import FilingRepository
from skilleval_shared.domain_errors import IllegalTransition, NotFound
from skilleval_shared.envelope import utc_now, wrap
from skilleval_shared.events.filing import (
    CatalogChanged,
    CatalogChangeRejected,
    CatalogChangeSubmitted,
)
from skilleval_shared.repository import Repository, Store

KIND = "catalog"
CatalogRepository = Repository[CatalogBook]


def repository(store: Store) -> CatalogRepository:
    return Repository(
        store,
        CatalogBook,
        missing="该企业尚未备案，没有职业（工种）目录",
        indexed=lambda book: {"pending": len(book.pending)},
    )


async def opened(
    *, catalogs: CatalogRepository, filings: FilingRepository, uscc: str
) -> OpenBook | None:
    """The book of the enterprise's latest filing, or None if it was never filed."""
    stored = await latest_filed(filings, uscc)
    if stored is None:
        return None
    return open_book(stored, await catalogs.load(uscc))


async def readable(
    *, catalogs: CatalogRepository, filings: FilingRepository, uscc: str
) -> OpenBook:
    found = await opened(catalogs=catalogs, filings=filings, uscc=uscc)
    if found is None:
        raise NotFound("该企业尚未备案，没有职业（工种）目录")
    return found


async def _filed(catalogs: CatalogRepository, filings: FilingRepository, uscc: str) -> OpenBook:
    found = await opened(catalogs=catalogs, filings=filings, uscc=uscc)
    if found is None:
        raise IllegalTransition("该企业尚未备案，没有可调整的职业（工种）目录")
    return found


async def version(
    *, catalogs: CatalogRepository, book: OpenBook, number: int
) -> tuple[VersionRecord, CatalogTable]:
    """Version ``number`` and its catalog: the filed one, or the one its commit left."""
    record = next((r for r in book.book.history if r.version == number), None)
    if record is None:
        raise NotFound(f"没有第{number}版目录")
    if record.commit is None:
        return record, filed_catalog(book.filing)
    state = await catalogs.state_at(book.book.uscc, record.commit)
    if state is None:
        raise RuntimeError(f"catalog commit {record.commit} of {book.book.uscc} is missing")
    return record, state.current.catalog


async def pending(*, catalogs: CatalogRepository) -> list[tuple[str, ChangeRecord]]:
    """Every change awaiting review, oldest first, with its enterprise."""
    found = await catalogs.find({"pending": {"$gt": 0}})
    items = [(item.state.uscc, record) for item in found for record in item.state.pending]
    return sorted(items, key=lambda item: item[1].submitted_at)


async def submit(
    *,
    catalogs: CatalogRepository,
    filings: FilingRepository,
    caller: Caller,
    uscc: str,
    operations: Sequence[Operation],
    explanation: str | None,
    on: date,
    access: AccessOccupations = DEFAULT_ACCESS,
) -> tuple[ChangeRecord, CatalogVersion]:
    change = CatalogChange(operations=tuple(operations), explanation=explanation or "")
    change_id = str(uuid_utils.uuid7())

    async def attempt() -> tuple[ChangeRecord, CatalogVersion]:
        book = await _filed(catalogs, filings, uscc)
        request, proposed = submit_change(
            change_id=change_id,
            uscc=uscc,
            change=change,
            current=book.book.current,
            filing_state=book.filing_state,
            actor=caller.actor,
            on=on,
        )
        # Rows the change adds or alters; a row kept as it was stays (the list may have grown).
        kept = set(book.book.current.catalog.rows)
        added = [row for row in proposed.catalog.rows if row not in kept]
        ensure_no_access_occupations(
            proposed.catalog.rows, access, where="调整后的目录", checked=added
        )
        record = ChangeRecord(request=request, submitted_by=caller.by, submitted_at=utc_now())
        event = CatalogChangeSubmitted(
            uscc=uscc,
            change_id=change_id,
            filing_id=book.book.filing_id,
            base_version=request.base_version,
            proposed_catalog=event_parts.catalog_entries(proposed.catalog),
            explanation=change.explanation or None,
        )
        await catalogs.save(uscc, book.version, book.book.with_change(record), [wrap(event)])
        return record, proposed

    return await catalogs.retrying(attempt)


def _change(book: OpenBook, change_id: str) -> ChangeRecord:
    record = book.book.change(change_id)
    if record is None:
        raise NotFound("没有这项目录调整申请")
    return record


async def change(
    *, catalogs: CatalogRepository, filings: FilingRepository, uscc: str, change_id: str
) -> ChangeRecord:
    found = await opened(catalogs=catalogs, filings=filings, uscc=uscc)
    if found is None:
        raise NotFound("没有这项目录调整申请")
    return _change(found, change_id)


async def changes(
    *, catalogs: CatalogRepository, filings: FilingRepository, uscc: str
) -> tuple[ChangeRecord, ...]:
    found = await opened(catalogs=catalogs, filings=filings, uscc=uscc)
    return found.book.changes if found else ()


async def accept(
    *,
    catalogs: CatalogRepository,
    filings: FilingRepository,
    caller: Caller,
    uscc: str,
    change_id: str,
    on: date,
) -> ChangeRecord:
    async def attempt() -> ChangeRecord:
        book = await _filed(catalogs, filings, uscc)
        record = _change(book, change_id)
        reviewed, version, _ = review_change(
            record.request, book.book.current, actor=caller.actor, accept=True, on=on
        )
        assert version is not None
        if book.filing_state is not FilingState.FILED:
            raise IllegalTransition(f"备案状态为“{book.filing_state.label}”，不能通过目录调整")
        decided = record.model_copy(
            update={
                "request": reviewed,
                "decided_by": caller.by,
                "decided_at": utc_now(),
                "made_version": version.number,
            }
        )
        history = VersionRecord(
            version=version.number,
            change_id=change_id,
            effective_on=on,
            operations=reviewed.change.operations,
            explanation=reviewed.change.explanation,
            submitted_by=record.submitted_by,
            decided_by=decided.decided_by,
            decided_at=decided.decided_at,
            commit=book.version + 1,
        )
        updated = book.book.model_copy(
            update={"current": version, "history": (*book.book.history, history)}
        ).with_change(decided)
        event = CatalogChanged(
            uscc=uscc,
            filing_id=updated.filing_id,
            change_id=change_id,
            catalog_version=version.number,
            catalog=event_parts.catalog_entries(version.catalog),
        )
        await catalogs.save(uscc, book.version, updated, [wrap(event)])
        return decided

    return await catalogs.retrying(attempt)


async def reject(
    *,
    catalogs: CatalogRepository,
    filings: FilingRepository,
    caller: Caller,
    uscc: str,
    change_id: str,
    reason: str,
    remarks: Sequence[Remark],
    on: date,
) -> ChangeRecord:
    async def attempt() -> ChangeRecord:
        book = await _filed(catalogs, filings, uscc)
        record = _change(book, change_id)
        reviewed, _, _ = review_change(
            record.request,
            book.book.current,
            actor=caller.actor,
            accept=False,
            on=on,
            reason=reason,
            remarks=remarks,
        )
        decided = record.model_copy(
            update={"request": reviewed, "decided_by": caller.by, "decided_at": utc_now()}
        )
        event = CatalogChangeRejected(
            uscc=uscc,
            change_id=change_id,
            filing_id=book.book.filing_id,
            decided_by=caller.by,
            reason=reviewed.review.reason or reason,
            remarks=event_parts.remarks(reviewed.review.remarks),
        )
        await catalogs.save(uscc, book.version, book.book.with_change(decided), [wrap(event)])
        return decided

    return await catalogs.retrying(attempt)
