"""The filing application's use cases: drafts, submission and every decision on a filing.

Each use case loads the filing, lets the domain decide, and commits the next version together
with the shared events (the outbox publishes them). A lost race raises ``ConcurrentUpdate``.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import ValidationError

from skilleval_filing.actors import Caller
from skilleval_filing.catalog.access import DEFAULT as DEFAULT_ACCESS
from skilleval_filing.catalog.access import AccessOccupations, ensure_no_access_occupations
from skilleval_filing.catalog.table import CatalogTable
from skilleval_filing.filings import commands as c
from skilleval_filing.filings.application import ApplicationDraft
from skilleval_filing.filings.decisions import Decision, decide
from skilleval_filing.filings.jurisdiction import ensure_registered_here
from skilleval_filing.filings.lifecycle import TERMINAL_STATES, Action, FilingState, authorize
from skilleval_filing.filings.model import FilingRecord, start_filing
from skilleval_filing.filings.repository import FilingRepository
from skilleval_shared import envelope
from skilleval_shared.domain_errors import Conflict, InvalidRequest, NotFound
from skilleval_shared.observability import correlation_id
from skilleval_shared.repository import Loaded
from skilleval_shared.storage.aggregates import ConcurrentUpdate

Found = Loaded[FilingRecord]


async def get(*, filings: FilingRepository, filing_id: str) -> Found:
    return await filings.get(filing_id)


async def current(*, filings: FilingRepository, uscc: str) -> Found:
    found = await filings.latest_for(uscc)
    if found is None:
        raise NotFound("本企业尚未创建备案申请")
    return found


async def listed(*, filings: FilingRepository, status: FilingState, limit: int) -> list[Found]:
    found = await filings.in_status(status, limit)
    return sorted(found, key=lambda item: item.id)


async def create_draft(
    *, filings: FilingRepository, uscc: str, enterprise_name: str | None
) -> Found:
    ensure_registered_here(uscc)
    latest = await filings.latest_for(uscc)
    if latest is not None and latest.state.state not in TERMINAL_STATES:
        # A new filing only after the last one ended.
        state = latest.state.state
        raise Conflict(
            f"已有备案申请（{latest.id}，状态“{state.label}”），不能重复创建",
            filing_id=latest.id,
        )
    filing_id = await filings.next_id_for(uscc)
    try:
        draft = ApplicationDraft(uscc=uscc, enterprise_name=enterprise_name)
    except ValidationError:  # a registered name the form would not take: leave it to fill in
        draft = ApplicationDraft(uscc=uscc)
    record = FilingRecord(filing=start_filing(filing_id, uscc), application=draft)
    try:
        return await filings.add(filing_id, record)
    except ConcurrentUpdate:
        raise Conflict("备案申请已由其他请求创建，请刷新后查看") from None


async def editable(*, filings: FilingRepository, caller: Caller, filing_id: str) -> Found:
    found = await filings.get(filing_id)
    authorize(found.state.state, Action.EDIT, caller.actor)
    return found


async def save_application(
    *, filings: FilingRepository, caller: Caller, filing_id: str, draft: ApplicationDraft
) -> Found:
    found = await editable(filings=filings, caller=caller, filing_id=filing_id)
    if draft.uscc is not None and draft.uscc != found.state.uscc:
        raise InvalidRequest("申请表中的统一社会信用代码与备案企业账号不一致")
    updated = found.state.model_copy(update={"application": draft})
    return await filings.save(filing_id, found.version, updated)


async def save_catalog(
    *,
    filings: FilingRepository,
    caller: Caller,
    filing_id: str,
    catalog: CatalogTable,
    access: AccessOccupations = DEFAULT_ACCESS,
) -> Found:
    """Save the 附表; ``InvalidRequest`` for any 准入类 occupation on it, by row."""
    found = await editable(filings=filings, caller=caller, filing_id=filing_id)
    ensure_no_access_occupations(catalog.rows, access)
    updated = found.state.model_copy(update={"catalog": catalog})
    return await filings.save(filing_id, found.version, updated)


async def submit(
    *, filings: FilingRepository, caller: Caller, filing_id: str, resubmission: bool = False
) -> Found:
    """Submit a draft, or (``resubmission``) a filing returned for changes."""
    command = c.Resubmit() if resubmission else c.Submit()
    return await execute(filings=filings, caller=caller, filing_id=filing_id, command=command)


async def execute(
    *,
    filings: FilingRepository,
    caller: Caller,
    filing_id: str,
    command: c.Command | Callable[[Found], c.Command],
) -> Found:
    """Load, decide, commit; decided again on the fresh state when another writer (a second
    reviewer, the terms scheduler) committed first. ``command`` may be built from the filing
    as loaded (e.g. its current validity)."""

    async def attempt() -> Found:
        found = await filings.get(filing_id)
        wanted = command(found) if callable(command) else command
        decision = decide(found.state, wanted, caller)
        return await commit(filings=filings, found=found, decision=decision)

    return await filings.retrying(attempt)


async def commit(*, filings: FilingRepository, found: Found, decision: Decision) -> Found:
    """Store the decided filing with its events, under one correlation id; a decision without
    events stores nothing."""
    if not decision.changed:
        return found
    correlation = correlation_id.get() or envelope.new_event_id()
    events = [envelope.wrap(event, correlation_id=correlation) for event in decision.events]
    return await filings.save(found.id, found.version, decision.record, events)
