"""The exit mechanism's use cases: revocation on recorded grounds, 继续备案, and the scheduler's
round that ends suspensions and lapses filings whose validity ended.

The scheduler is idempotent across replicas the way the notice end is (``filings/notice_end``):
it decides on the latest committed version, and a lost race (``ConcurrentUpdate``) means another
writer settled that filing first.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, timedelta

from skilleval_filing.actors import SYSTEM, Caller
from skilleval_filing.complaints.service import ComplaintRepository
from skilleval_filing.credit.service import CreditRepository
from skilleval_filing.exits.model import (
    add_years,
    check_grounds,
    lapse_due,
    renewal_reminder,
    suspension_over,
)
from skilleval_filing.exits.model import valid_until as validity_end
from skilleval_filing.filings import commands as c
from skilleval_filing.filings.decisions import decide
from skilleval_filing.filings.lifecycle import FilingState
from skilleval_filing.filings.repository import FilingRepository
from skilleval_filing.filings.service import Found, commit, execute
from skilleval_filing.inspections.service import InspectionRepository
from skilleval_shared.domain_errors import IllegalTransition
from skilleval_shared.events.filing_parts import Evidence, EvidenceKind, RevocationGround
from skilleval_shared.storage.aggregates import ConcurrentUpdate

logger = logging.getLogger(__name__)


async def known_evidence(
    *,
    credit: CreditRepository,
    inspections: InspectionRepository,
    complaints: ComplaintRepository,
    uscc: str,
    cited: Iterable[Evidence],
) -> dict[EvidenceKind, set[str]]:
    """Of the cited records, those that exist and concern ``uscc``: its credit file's records,
    inspections that drew it, complaints against it."""
    wanted = {kind: {e.evidence_id for e in cited if e.kind is kind} for kind in EvidenceKind}
    known: dict[EvidenceKind, set[str]] = {kind: set() for kind in EvidenceKind}
    if wanted[EvidenceKind.CREDIT]:
        file = await credit.load(uscc)
        ids = {entry.record.record_id for entry in file.state.entries} if file else set()
        known[EvidenceKind.CREDIT] = ids & wanted[EvidenceKind.CREDIT]
    for inspection_id in wanted[EvidenceKind.INSPECTION]:
        inspection = await inspections.load(inspection_id)
        if inspection is not None and uscc in inspection.state.enterprise_names:
            known[EvidenceKind.INSPECTION].add(inspection_id)
    for complaint_id in wanted[EvidenceKind.COMPLAINT]:
        complaint = await complaints.load(complaint_id)
        if complaint is not None and complaint.state.complaint.form.target_uscc == uscc:
            known[EvidenceKind.COMPLAINT].add(complaint_id)
    return known


async def revoke(
    *,
    filings: FilingRepository,
    credit: CreditRepository,
    inspections: InspectionRepository,
    complaints: ComplaintRepository,
    caller: Caller,
    filing_id: str,
    reason: str,
    grounds: tuple[RevocationGround, ...],
) -> Found:
    """取消评价资质: every cited record must exist and concern this enterprise."""
    found = await filings.get(filing_id)
    known = await known_evidence(
        credit=credit,
        inspections=inspections,
        complaints=complaints,
        uscc=found.state.uscc,
        cited=[item for ground in grounds for item in ground.evidence],
    )
    check_grounds(grounds, known)
    command = c.Revoke(reason=reason, grounds=grounds)
    return await execute(filings=filings, caller=caller, filing_id=filing_id, command=command)


def _current_validity(found: Found, validity_years: int) -> date:
    end = validity_end(found.state.filing, validity_years)
    if end is None:
        raise IllegalTransition("尚未备案，没有备案有效期")
    return end


async def request_renewal(
    *,
    filings: FilingRepository,
    caller: Caller,
    filing_id: str,
    today: date,
    validity_years: int,
    window_days: int,
) -> Found:

    def command(found: Found) -> c.Command:
        return c.RequestRenewal(
            today=today,
            valid_until=_current_validity(found, validity_years),
            window_days=window_days,
        )

    return await execute(filings=filings, caller=caller, filing_id=filing_id, command=command)


async def renew(
    *, filings: FilingRepository, caller: Caller, filing_id: str, validity_years: int
) -> Found:
    """继续备案 accepted: another full period after the current one."""

    def command(found: Found) -> c.Command:
        end = _current_validity(found, validity_years)
        renewed_until = add_years(end + timedelta(days=1), validity_years) - timedelta(days=1)
        return c.Renew(valid_until=end, renewed_until=renewed_until)

    return await execute(filings=filings, caller=caller, filing_id=filing_id, command=command)


async def refuse_renewal(
    *, filings: FilingRepository, caller: Caller, filing_id: str, reason: str
) -> Found:
    return await execute(
        filings=filings, caller=caller, filing_id=filing_id, command=c.RefuseRenewal(reason)
    )


async def settle_terms(
    *, filings: FilingRepository, today: date, validity_years: int, window_days: int
) -> list[str]:
    """One scheduler round: reinstate suspensions whose end passed, lapse filings past their
    validity, remind those whose 继续备案 window has opened. The ids of the filings changed."""
    changed: list[str] = []
    for state in (FilingState.SUSPENDED, FilingState.FILED):
        for listed in await filings.in_status(state):
            if _due(listed, today, validity_years, window_days) is None:
                continue
            latest = await filings.load(listed.id)  # the scan is of snapshots
            command = None if latest is None else _due(latest, today, validity_years, window_days)
            if latest is None or command is None:
                continue
            try:
                await commit(
                    filings=filings, found=latest, decision=decide(latest.state, command, SYSTEM)
                )
            except ConcurrentUpdate:
                logger.info("the terms of %s were settled by another writer", latest.id)
                continue
            changed.append(latest.id)
    return changed


def _due(found: Found, today: date, validity_years: int, window_days: int) -> c.Command | None:
    """Lapse first: a suspended filing past its validity does not come back to life."""
    filing = found.state.filing
    if lapse_due(filing, today, validity_years):
        end = validity_end(filing, validity_years)
        assert end is not None
        return c.Lapse(today=today, valid_until=end)
    if suspension_over(filing, today):
        return c.EndSuspension(today=today)
    return renewal_reminder(filing, today, validity_years, window_days)
