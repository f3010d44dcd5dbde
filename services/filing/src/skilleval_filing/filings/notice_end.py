"""The end of the public notice (公示期满): filed, with a receipt, exactly once.

Any number of replicas run the same loop. Each may allocate the receipt (the allocation is
idempotent per filing) and try to commit ``EndNotice``; the commit of the filing's next version
is a unique insert, so one of them files the enterprise and the others see ``ConcurrentUpdate``
and move on. A crash anywhere is repaired by the next round, in this process or another.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date
from typing import TYPE_CHECKING

from skilleval_filing.actors import SYSTEM
from skilleval_filing.clock import today
from skilleval_filing.filings import commands as c
from skilleval_filing.filings.decisions import decide
from skilleval_filing.filings.lifecycle import FilingState
from skilleval_filing.filings.receipts import ReceiptAllocator
from skilleval_filing.filings.repository import FilingRepository, StoredFiling
from skilleval_filing.filings.service import commit
from skilleval_shared.storage.aggregates import ConcurrentUpdate

if TYPE_CHECKING:
    from skilleval_filing.components import FilingContainer

logger = logging.getLogger(__name__)


async def end_notice_if_due(
    filings: FilingRepository, receipts: ReceiptAllocator, stored: StoredFiling, on: date
) -> StoredFiling | None:
    """File ``stored`` if its notice ended by ``on`` with no objection left; None otherwise."""
    if not stored.filing.notice_can_end(on):
        return None
    receipt = await receipts.receipt_for(stored.filing.filing_id, on)
    decision = decide(stored.filing, c.EndNotice(today=on, receipt=receipt), SYSTEM.actor)
    if not decision.changed:
        return None
    try:
        return await commit(filings, stored, decision, SYSTEM)
    except ConcurrentUpdate:
        logger.info("notice of %s was settled by another writer", stored.filing.filing_id)
        return None


async def end_due_notices(
    filings: FilingRepository, receipts: ReceiptAllocator, on: date
) -> list[str]:
    """One round over the filings on notice; the ids of those filed in it."""
    filed: list[str] = []
    for stored in await filings.all_in_status(FilingState.ON_NOTICE.value):
        if not stored.filing.notice_can_end(on):
            continue
        # The list is a scan of snapshots; decide on the latest committed version.
        latest = await filings.get(stored.filing.filing_id)
        if latest is not None and await end_notice_if_due(filings, receipts, latest, on):
            filed.append(stored.filing.filing_id)
    return filed


def scheduler(parts: FilingContainer) -> Callable[[], Awaitable[None]]:
    """One round of the scheduler; the runtime repeats it every ``notice_check_seconds``."""

    async def run_round() -> None:
        filed = await end_due_notices(parts.filings, parts.receipts, today(parts.settings))
        if filed:
            logger.info("notice ended, filed: %s", ", ".join(filed))

    return run_round
