"""动态管理: a filed enterprise proposes a catalog change; city-centre staff accept or reject it."""

from __future__ import annotations

from datetime import date

import uuid_utils

from skilleval_filing import event_parts
from skilleval_filing.actors import Caller
from skilleval_filing.catalog.book import (
    CatalogBooks,
    ChangeRecord,
    OpenBook,
    VersionRecord,
)
from skilleval_filing.catalog.changes import (
    CatalogChange,
    CatalogVersion,
    review_change,
    submit_change,
)
from skilleval_filing.catalog.schemas import ChangeForm, RejectForm
from skilleval_filing.filings.lifecycle import FilingState
from skilleval_shared.domain_errors import IllegalTransition, NotFound
from skilleval_shared.envelope import utc_now, wrap
from skilleval_shared.events.filing import (
    CatalogChanged,
    CatalogChangeRejected,
    CatalogChangeSubmitted,
)
from skilleval_shared.repository import retry_on_conflict


async def open_filed(books: CatalogBooks, uscc: str) -> OpenBook:
    opened = await books.open(uscc)
    if opened is None:
        raise IllegalTransition("该企业尚未备案，没有可调整的职业（工种）目录")
    return opened


async def submit(
    *, books: CatalogBooks, caller: Caller, uscc: str, form: ChangeForm, on: date
) -> tuple[ChangeRecord, CatalogVersion]:
    change = CatalogChange(operations=form.operations, explanation=form.explanation or "")
    change_id = str(uuid_utils.uuid7())

    async def attempt() -> tuple[ChangeRecord, CatalogVersion]:
        opened = await open_filed(books, uscc)
        request, proposed = submit_change(
            change_id=change_id,
            uscc=uscc,
            change=change,
            current=opened.book.current,
            filing_state=opened.filing.filing.state,
            actor=caller.actor,
            on=on,
        )
        record = ChangeRecord(request=request, submitted_by=caller.by, submitted_at=utc_now())
        event = CatalogChangeSubmitted(
            uscc=uscc,
            change_id=change_id,
            filing_id=opened.book.filing_id,
            base_version=request.base_version,
            proposed_catalog=event_parts.catalog_entries(proposed.catalog),
            explanation=change.explanation or None,
        )
        await books.save(opened, opened.book.with_change(record), [wrap(event)])
        return record, proposed

    return await retry_on_conflict(attempt)


def _pending(opened: OpenBook, change_id: str) -> ChangeRecord:
    record = opened.book.change(change_id)
    if record is None:
        raise NotFound("没有这项目录调整申请")
    return record


async def accept(
    *, books: CatalogBooks, caller: Caller, uscc: str, change_id: str, on: date
) -> ChangeRecord:
    async def attempt() -> ChangeRecord:
        opened = await open_filed(books, uscc)
        record = _pending(opened, change_id)
        reviewed, version, _ = review_change(
            record.request, opened.book.current, actor=caller.actor, accept=True, on=on
        )
        assert version is not None
        state = opened.filing.filing.state
        if state is not FilingState.FILED:
            raise IllegalTransition(f"备案状态为“{state.label}”，不能通过目录调整")
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
            commit=opened.version + 1,
        )
        book = opened.book.model_copy(
            update={"current": version, "history": (*opened.book.history, history)}
        ).with_change(decided)
        event = CatalogChanged(
            uscc=uscc,
            filing_id=book.filing_id,
            change_id=change_id,
            catalog_version=version.number,
            catalog=event_parts.catalog_entries(version.catalog),
        )
        await books.save(opened, book, [wrap(event)])
        return decided

    return await retry_on_conflict(attempt)


async def reject(
    *,
    books: CatalogBooks,
    caller: Caller,
    uscc: str,
    change_id: str,
    form: RejectForm,
    on: date,
) -> ChangeRecord:
    async def attempt() -> ChangeRecord:
        opened = await open_filed(books, uscc)
        record = _pending(opened, change_id)
        reviewed, _, _ = review_change(
            record.request,
            opened.book.current,
            actor=caller.actor,
            accept=False,
            on=on,
            reason=form.reason,
            remarks=form.remarks,
        )
        decided = record.model_copy(
            update={"request": reviewed, "decided_by": caller.by, "decided_at": utc_now()}
        )
        event = CatalogChangeRejected(
            uscc=uscc,
            change_id=change_id,
            filing_id=opened.book.filing_id,
            decided_by=caller.by,
            reason=reviewed.review.reason or form.reason,
            remarks=event_parts.remarks(reviewed.review.remarks),
        )
        await books.save(opened, opened.book.with_change(decided), [wrap(event)])
        return decided

    return await retry_on_conflict(attempt)
