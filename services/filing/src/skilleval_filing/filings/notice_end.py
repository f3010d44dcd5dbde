"""The end of the public notice (公示期满): filed, with a receipt, exactly once.

Any number of replicas run the same loop. Each may allocate the receipt (the allocation is
idempotent per filing) and try to commit ``EndNotice``; the commit of the filing's next version
is a unique insert, so one of them files the enterprise and the others see ``ConcurrentUpdate``
and move on. A crash anywhere is repaired by the next round, in this process or another.
"""

from __future__ import annotations

import logging
from datetime import date

from skilleval_filing.actors import SYSTEM
from skilleval_filing.filings import commands as c
from skilleval_filing.filings.decisions import decide
from skilleval_filing.filings.lifecycle import FilingState
from skilleval_filing.filings.receipts import ReceiptAllocator
from skilleval_filing.filings.repository import FilingRepository
from skilleval_filing.filings.service import Found, commit
from skilleval_shared.storage.aggregates import ConcurrentUpdate

logger = logging.getLogger(__name__)


async def end_notice_if_due(
    *, filings: FilingRepository, receipts: ReceiptAllocator, found: Found, on: date
) -> Found | None:
    """File ``found`` if its notice ended by ``on`` with no objection left; None otherwise."""
    if not found.state.filing.notice_can_end(on):
        return None
    receipt = await receipts.receipt_for(found.id, on)
    decision = decide(found.state, c.EndNotice(today=on, receipt=receipt), SYSTEM)
    if not decision.changed:
        return None
    try:
        return await commit(filings=filings, found=found, decision=decision)
    except ConcurrentUpdate:
        logger.info("notice of %s was settled by another writer", found.id)
        return None


async def end_due_notices(
    *, filings: FilingRepository, receipts: ReceiptAllocator, on: date
) -> list[str]:
    """One round over the filings on notice; the ids of those filed in it."""
    filed: list[str] = []
    for listed in await filings.in_status(FilingState.ON_NOTICE):
        if not listed.state.filing.notice_can_end(on):
            continue
        # The list is a scan of snapshots; decide on the latest committed version.
        latest = await filings.load(listed.id)
        if latest is not None and await end_notice_if_due(
            filings=filings, receipts=receipts, found=latest, on=on
        ):
            filed.append(listed.id)
    return filed
