"""信用档案: one aggregate per enterprise (kind ``credit``, id USCC), appended to by staff."""

from __future__ import annotations

from datetime import date

import uuid_utils

from skilleval_filing.actors import Caller
from skilleval_filing.credit.model import (
    CreditEntry,
    CreditFile,
    CreditKind,
    record_credit,
)
from skilleval_filing.filings.filed import known_enterprise
from skilleval_filing.filings.repository import FilingRepository
from skilleval_shared.envelope import utc_now, wrap
from skilleval_shared.events.filing import CreditRecorded
from skilleval_shared.repository import Repository, Store

KIND = "credit"
CreditRepository = Repository[CreditFile]


def repository(store: Store) -> CreditRepository:
    return Repository(store, CreditFile, missing="该企业没有信用档案")


async def entries(*, credit: CreditRepository, uscc: str) -> tuple[CreditEntry, ...]:
    found = await credit.load(uscc)
    return found.state.entries if found else ()


async def record(
    *,
    credit: CreditRepository,
    filings: FilingRepository,
    caller: Caller,
    uscc: str,
    kind: CreditKind,
    description: str,
    reference_id: str | None,
    on: date,
) -> CreditEntry:
    """Only for an enterprise with a filing of any state (``NotFound`` otherwise)."""
    written = record_credit(
        actor=caller.actor,
        record_id=str(uuid_utils.uuid7()),
        uscc=uscc,
        kind=kind,
        description=description,
        on=on,
        reference_id=reference_id,
    )
    await known_enterprise(filings, uscc)
    entry = CreditEntry(record=written, recorded_by=caller.by, recorded_at=utc_now())
    event = CreditRecorded(
        uscc=uscc,
        record_id=written.record_id,
        kind=written.kind,
        description=written.description,
        recorded_by=entry.recorded_by,
        reference_id=written.reference_id,
    )

    async def attempt() -> CreditEntry:
        found = await credit.load(uscc)
        current = found.state if found else CreditFile(uscc=uscc)
        await credit.save(
            uscc, found.version if found else 0, current.with_entry(entry), [wrap(event)]
        )
        return entry

    return await credit.retrying(attempt)
