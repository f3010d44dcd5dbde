"""Receipt numbers and institution serials: unique forever, allocated by unique ``_id`` inserts.

FerretDB has no atomic counter, so a number is claimed by inserting a document whose ``_id`` is
the number itself, probing upward from a hint that may be stale (it only saves probes). Each
filing then records the number it took under an ``_id`` derived from the filing, and that record
is the authority: a retry after a crash, or a second replica working on the same filing, finds a
number already owned by the filing (or the filing's record) and reuses it instead of taking
another. A number claimed by a loser of that race is released again when nothing refers to it.
"""

from __future__ import annotations

from datetime import date

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from skilleval_filing.filings.receipt import DEFAULT_RECEIPT_PREFIX, Receipt, issue_receipt
from skilleval_shared.storage.mongo import Document, is_duplicate_key

MAX_SEQUENCE = 999_999
RECEIPT_NUMBERS = "receipt_numbers"
INSTITUTION_SERIALS = "institution_serials"


class SequenceExhausted(Exception):
    """Every six-digit number of a series is taken."""


class UniqueSequence:
    """Numbers 1…999999 of one series, each given to one owner only, once."""

    def __init__(self, collection: AsyncCollection[Document], prefix: str = "") -> None:
        self.collection = collection
        self.prefix = prefix

    def number_id(self, n: int) -> str:
        return f"{self.prefix}{n:06d}"

    def owner_id(self, owner: str) -> str:
        return f"{self.prefix}owner:{owner}"

    @property
    def hint_id(self) -> str:
        return f"{self.prefix}hint"

    async def number_for(self, owner: str) -> int:
        """The number of ``owner``: the one it already has, else a newly claimed one."""
        recorded = await self.collection.find_one({"_id": self.owner_id(owner)})
        if recorded is not None:
            return int(recorded["n"])
        claimed = await self._claim(owner)
        try:
            await self.collection.insert_one({"_id": self.owner_id(owner), "n": claimed})
        except Exception as error:
            if not is_duplicate_key(error):
                raise
            winner = await self.collection.find_one({"_id": self.owner_id(owner)})
            assert winner is not None, "an owner record is never deleted"
            if int(winner["n"]) != claimed:
                await self.collection.delete_one({"_id": self.number_id(claimed), "owner": owner})
            return int(winner["n"])
        await self._raise_hint(claimed + 1)
        return claimed

    async def _claim(self, owner: str) -> int:
        n = await self._hint()
        while n <= MAX_SEQUENCE:
            try:
                await self.collection.insert_one({"_id": self.number_id(n), "owner": owner})
                return n
            except Exception as error:
                if not is_duplicate_key(error):
                    raise
            taken = await self.collection.find_one({"_id": self.number_id(n)})
            if taken is not None and taken["owner"] == owner:
                return n  # claimed for this owner by an earlier attempt or another replica
            n += 1
        raise SequenceExhausted(self.prefix or "serial")

    async def _hint(self) -> int:
        hint = await self.collection.find_one({"_id": self.hint_id})
        return max(1, int(hint["next"])) if hint else 1

    async def _raise_hint(self, next_free: int) -> None:
        # A lost update only makes the next claim probe a little longer.
        await self.collection.update_one(
            {"_id": self.hint_id}, {"$max": {"next": next_free}}, upsert=True
        )


class ReceiptAllocator:
    """The 备案回执 for a filing: receipt number within the year, and the institution serial."""

    def __init__(self, db: AsyncDatabase[Document], prefix: str = DEFAULT_RECEIPT_PREFIX) -> None:
        self.receipts = db[RECEIPT_NUMBERS]
        self.serials = UniqueSequence(db[INSTITUTION_SERIALS])
        self.prefix = prefix

    async def receipt_for(self, filing_id: str, issued_on: date) -> Receipt:
        numbers = UniqueSequence(self.receipts, f"{issued_on.year:04d}-")
        return issue_receipt(
            issued_on=issued_on,
            prefix=self.prefix,
            receipt_sequence=await numbers.number_for(filing_id),
            institution_serial_sequence=await self.serials.number_for(filing_id),
        )
