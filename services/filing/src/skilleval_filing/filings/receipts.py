"""Receipt numbers: unique forever, one per filing, from a block sequence.

They come from :class:`~skilleval_shared.storage.sequences.BlockAllocator` with blocks of one:
the request id is the filing id, so a retry after a crash, or a second replica working on the
same filing, gets the number the filing already has instead of taking another. Receipt numbers
form one series per year (``receipt_numbers``, series ``<year>``, restarting at 1). A number
claimed by the loser of such a race is a gap: never given to anybody, never reused.

The institution serial is not allocated here: the provincial centre assigns it and staff record
it on the filing (``RecordInstitutionSerial``).
"""

from __future__ import annotations

from datetime import date

from pymongo.asynchronous.database import AsyncDatabase

from skilleval_filing.filings.receipt import DEFAULT_RECEIPT_PREFIX, Receipt, issue_receipt
from skilleval_shared.storage.mongo import Document
from skilleval_shared.storage.sequences import BlockAllocator, SequenceExhausted

MAX_SEQUENCE = 999_999
RECEIPT_NUMBERS = "receipt_numbers"

__all__ = ["ReceiptAllocator", "SequenceExhausted"]


class ReceiptAllocator:
    """The 备案回执 for a filing: its receipt number within the year."""

    def __init__(self, db: AsyncDatabase[Document], prefix: str = DEFAULT_RECEIPT_PREFIX) -> None:
        self.receipts = BlockAllocator(db[RECEIPT_NUMBERS], max_number=MAX_SEQUENCE)
        self.prefix = prefix

    async def receipt_for(self, filing_id: str, issued_on: date) -> Receipt:
        [receipt_sequence] = await self.receipts.allocate(f"{issued_on.year:04d}", filing_id, 1)
        return issue_receipt(
            issued_on=issued_on, prefix=self.prefix, receipt_sequence=receipt_sequence
        )
