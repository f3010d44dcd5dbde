"""Receipt numbers and institution serials: unique forever, one per filing, from block sequences.

Both come from :class:`~skilleval_shared.storage.sequences.BlockAllocator` with blocks of one:
the request id is the filing id, so a retry after a crash, or a second replica working on the
same filing, gets the number the filing already has instead of taking another. Receipt numbers
form one series per year (``receipt_numbers``, series ``<year>``, restarting at 1); institution
serials one series for the whole system (``institution_serials``, series ``serial``). A number
claimed by the loser of such a race is a gap: never given to anybody, never reused.
"""

from __future__ import annotations

from datetime import date

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from skilleval_filing.filings.receipt import DEFAULT_RECEIPT_PREFIX, Receipt, issue_receipt
from skilleval_shared.storage.mongo import Document
from skilleval_shared.storage.sequences import BlockAllocator, SequenceExhausted

MAX_SEQUENCE = 999_999
RECEIPT_NUMBERS = "receipt_numbers"
INSTITUTION_SERIALS = "institution_serials"
SERIAL_SERIES = "serial"

__all__ = ["ReceiptAllocator", "SequenceExhausted", "UniqueSequence"]


class UniqueSequence:
    """Numbers 1…999999 of one series, each given to one owner only, once: blocks of one.

    A thin face of the allocator for callers that want one number per owner.
    """

    def __init__(self, collection: AsyncCollection[Document], series: str = SERIAL_SERIES) -> None:
        self.allocator = BlockAllocator(collection, max_number=MAX_SEQUENCE)
        self.series = series

    async def number_for(self, owner: str) -> int:
        """The number of ``owner``: the one it already has, else a newly claimed one."""
        return (await self.allocator.allocate(self.series, owner, 1))[0]


class ReceiptAllocator:
    """The 备案回执 for a filing: receipt number within the year, and the institution serial."""

    def __init__(self, db: AsyncDatabase[Document], prefix: str = DEFAULT_RECEIPT_PREFIX) -> None:
        self.receipts = BlockAllocator(db[RECEIPT_NUMBERS], max_number=MAX_SEQUENCE)
        self.serials = BlockAllocator(db[INSTITUTION_SERIALS], max_number=MAX_SEQUENCE)
        self.prefix = prefix

    async def receipt_for(self, filing_id: str, issued_on: date) -> Receipt:
        [receipt_sequence] = await self.receipts.allocate(f"{issued_on.year:04d}", filing_id, 1)
        [serial] = await self.serials.allocate(SERIAL_SERIES, filing_id, 1)
        return issue_receipt(
            issued_on=issued_on,
            prefix=self.prefix,
            receipt_sequence=receipt_sequence,
            institution_serial_sequence=serial,
        )
