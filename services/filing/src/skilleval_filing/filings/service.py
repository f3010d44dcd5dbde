"""The filing application's use cases: drafts, submission and every decision on a filing.

Each use case loads the filing, lets the domain decide, and commits the next version together
with the shared events (the outbox publishes them). A lost race raises ``ConcurrentUpdate``.
"""

from __future__ import annotations

from dataclasses import replace

from pydantic import ValidationError

from skilleval_filing.actors import Caller
from skilleval_filing.catalog.table import Catalog
from skilleval_filing.filings import commands as c
from skilleval_filing.filings.application import ApplicationDraft
from skilleval_filing.filings.decisions import Decision, decide
from skilleval_filing.filings.lifecycle import Action, FilingState, authorize
from skilleval_filing.filings.materials import MaterialKind
from skilleval_filing.filings.model import start_filing
from skilleval_filing.filings.repository import FilingRepository, StoredFiling
from skilleval_filing.filings.translate import integration_events
from skilleval_shared.domain_errors import Conflict, InvalidRequest, NotFound
from skilleval_shared.storage.aggregates import ConcurrentUpdate

# A new filing may be started when there is none yet or the latest one has ended.
RESTARTABLE = frozenset({FilingState.REJECTED, FilingState.REVOKED})


NO_SUCH_FILING = "备案申请不存在"


async def load(filings: FilingRepository, filing_id: str) -> StoredFiling:
    stored = await filings.get(filing_id)
    if stored is None:
        raise NotFound(NO_SUCH_FILING)
    return stored


async def create_draft(
    filings: FilingRepository, *, uscc: str, enterprise_name: str | None
) -> StoredFiling:
    latest = await filings.latest_for(uscc)
    if latest is not None and latest.filing.state not in RESTARTABLE:
        state = latest.filing.state
        raise Conflict(
            f"已有备案申请（{latest.filing.filing_id}，状态“{state.label}”），不能重复创建",
            filing_id=latest.filing.filing_id,
        )
    filing_id = await filings.next_id_for(uscc)
    try:
        draft = ApplicationDraft(uscc=uscc, enterprise_name=enterprise_name)
    except ValidationError:  # a registered name the form would not take: leave it to fill in
        draft = ApplicationDraft(uscc=uscc)
    stored = StoredFiling(
        filing=start_filing(filing_id, uscc),
        version=0,
        application=draft.model_dump(mode="json"),
    )
    try:
        return await filings.save(stored)
    except ConcurrentUpdate:
        raise Conflict("备案申请已由其他请求创建，请刷新后查看") from None


async def save_application(
    filings: FilingRepository, filing_id: str, draft: ApplicationDraft, caller: Caller
) -> StoredFiling:
    stored = await editable(filings, filing_id, caller)
    if draft.uscc is not None and draft.uscc != stored.filing.uscc:
        raise InvalidRequest("申请表中的统一社会信用代码与备案企业账号不一致")
    return await filings.save(replace(stored, application=draft.model_dump(mode="json")))


async def save_catalog(
    filings: FilingRepository, filing_id: str, catalog: Catalog, caller: Caller
) -> StoredFiling:
    stored = await editable(filings, filing_id, caller)
    return await filings.save(replace(stored, catalog=catalog.model_dump(mode="json")))


async def editable(filings: FilingRepository, filing_id: str, caller: Caller) -> StoredFiling:
    stored = await load(filings, filing_id)
    authorize(stored.filing.state, Action.EDIT, caller.actor)
    return stored


async def submit(
    filings: FilingRepository, filing_id: str, caller: Caller, *, resubmission: bool = False
) -> StoredFiling:
    """Submit a draft, or (``resubmission``) a filing returned for changes."""
    stored = await load(filings, filing_id)
    command_type = c.Resubmit if resubmission else c.Submit
    command = command_type(
        application=ApplicationDraft.model_validate(stored.application),
        uploaded_materials=frozenset(MaterialKind(kind) for kind in stored.materials),
        catalog=Catalog.model_validate(stored.catalog) if stored.catalog is not None else None,
    )
    return await commit(filings, stored, decide(stored.filing, command, caller.actor), caller)


async def execute(
    filings: FilingRepository, filing_id: str, command: c.Command, caller: Caller
) -> StoredFiling:
    stored = await load(filings, filing_id)
    return await commit(filings, stored, decide(stored.filing, command, caller.actor), caller)


async def commit(
    filings: FilingRepository, stored: StoredFiling, decision: Decision, caller: Caller
) -> StoredFiling:
    """Store the decided filing with its events; a decision without events stores nothing."""
    if not decision.changed:
        return stored
    decided = replace(stored, filing=decision.filing)
    events = integration_events(decision.events, decided, decided_by=caller.account_id)
    return await filings.save(decided, events)
