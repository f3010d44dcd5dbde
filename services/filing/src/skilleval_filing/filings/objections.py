"""Objections (异议) raised by the public during the notice, and the centre's decision on each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from skilleval_filing.actors import PUBLIC, Caller
from skilleval_filing.filings import commands as c
from skilleval_filing.filings.decisions import decide
from skilleval_filing.filings.lifecycle import FilingState
from skilleval_filing.filings.notice_end import end_notice_if_due
from skilleval_filing.filings.receipts import ReceiptAllocator
from skilleval_filing.filings.repository import NO_SUCH_FILING, FilingRepository
from skilleval_filing.filings.service import Found, commit
from skilleval_shared.domain_errors import Conflict, NotFound
from skilleval_shared.envelope import new_event_id
from skilleval_shared.storage.aggregates import ConcurrentUpdate


@dataclass(frozen=True)
class ObjectionForm:
    text: str
    objector_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None


async def raise_objection(
    *, filings: FilingRepository, filing_id: str, form: ObjectionForm, on: date
) -> str:
    """The new objection's id. Objections from several people at once are all kept: a lost
    race only means deciding again on the newer version."""
    objection_id = new_event_id()

    async def attempt() -> str:
        found = await filings.load(filing_id)
        # Ids are guessable (USCC-n): any filing not on notice, whatever its state, must look
        # exactly like no filing at all, or anyone could learn who applied or was refused.
        if found is None or found.state.state is not FilingState.ON_NOTICE:
            raise NotFound(NO_SUCH_FILING)
        command = c.RaiseObjection(
            objection_id=objection_id,
            raised_on=on,
            text=form.text,
            contact_email=form.contact_email,
            objector_name=form.objector_name,
            contact_phone=form.contact_phone,
        )
        await commit(filings=filings, found=found, decision=decide(found.state, command, PUBLIC))
        return objection_id

    try:
        return await filings.retrying(attempt)
    except ConcurrentUpdate:
        raise Conflict("公示信息正在更新，请稍后重试") from None


async def resolve_objection(
    *,
    filings: FilingRepository,
    receipts: ReceiptAllocator,
    caller: Caller,
    filing_id: str,
    objection_id: str,
    upheld: bool,
    reason: str,
    on: date,
) -> Found:
    """Uphold (the filing is rejected) or dismiss; a dismissal of the last objection after the
    notice period has ended files the enterprise at once."""
    found = await filings.get(filing_id)
    if all(o.objection_id != objection_id for o in found.state.filing.objections):
        raise NotFound("该异议不存在")
    command = c.ResolveObjection(
        objection_id=objection_id, upheld=upheld, reason=reason, resolved_on=on
    )
    resolved = await commit(
        filings=filings, found=found, decision=decide(found.state, command, caller)
    )
    filed = await end_notice_if_due(filings=filings, receipts=receipts, found=resolved, on=on)
    return filed or resolved
