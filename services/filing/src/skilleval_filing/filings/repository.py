"""Where filings live: ``Repository[FilingRecord]``, one aggregate per filing, ``<USCC>-<n>`` for
an enterprise's n-th filing.

An enterprise files again only after an earlier filing ended (rejected or revoked), so ``n`` stays
small and "the latest filing of an enterprise" is a few gets by ``_id`` — fast on FerretDB.
"""

from __future__ import annotations

from skilleval_filing.filings.lifecycle import FilingState
from skilleval_filing.filings.model import FilingRecord
from skilleval_shared.cache import TimedValue
from skilleval_shared.repository import Loaded, Repository, Store

KIND = "filing"
NO_SUCH_FILING = "备案申请不存在"
# An enterprise files again only after an earlier filing ended, so six digits are plenty.
MAX_SEQUENCE_DIGITS = 6


def filing_id(uscc: str, n: int) -> str:
    return f"{uscc}-{n}"


def parse_filing_id(value: str) -> tuple[str, int] | None:
    """``(uscc, n)``, or None for anything that cannot be a filing id. Only ASCII digits count:
    ``str.isdigit`` also takes "²" (which ``int`` refuses) and any number of digits."""
    uscc, _, number = value.rpartition("-")
    if len(uscc) != 18 or not _is_sequence(number):
        return None
    return uscc, int(number)


def _is_sequence(number: str) -> bool:
    return 0 < len(number) <= MAX_SEQUENCE_DIGITS and number.isascii() and number.isdigit()


def _indexed(record: FilingRecord) -> dict[str, str]:
    return {"uscc": record.uscc, "status": record.state.value}


class FilingRepository(Repository[FilingRecord]):
    """``Repository[FilingRecord]`` with the filing id scheme, and the public notice list
    cached (one scan per TTL instead of one per anonymous request)."""

    def __init__(self, store: Store, *, public_cache_seconds: float = 0.0) -> None:
        super().__init__(
            store,
            FilingRecord,
            missing=NO_SUCH_FILING,
            indexed=_indexed,
            # This replica shows its own changes at once.
            on_save=lambda: self.on_notice.invalidate(),
        )
        self.on_notice = TimedValue(
            lambda: self.in_status(FilingState.ON_NOTICE), public_cache_seconds
        )

    async def load(self, aggregate_id: str) -> Loaded[FilingRecord] | None:
        if parse_filing_id(aggregate_id) is None:
            return None
        return await super().load(aggregate_id)

    async def latest_for(self, uscc: str) -> Loaded[FilingRecord] | None:
        latest: Loaded[FilingRecord] | None = None
        n = 1
        while (found := await self.load(filing_id(uscc, n))) is not None:
            latest = found
            n += 1
        return latest

    async def next_id_for(self, uscc: str) -> str:
        latest = await self.latest_for(uscc)
        if latest is None:
            return filing_id(uscc, 1)
        parsed = parse_filing_id(latest.id)
        assert parsed is not None
        return filing_id(uscc, parsed[1] + 1)

    async def in_status(
        self, state: FilingState, limit: int = 10_000
    ) -> list[Loaded[FilingRecord]]:
        """A scan of the latest states; used by the scheduler and staff lists."""
        return await self.find({"status": state.value}, limit=limit)
