"""The automatic end of the notice: exactly once across replicas and restarts, with receipt
numbers and institution serials that are never given twice."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from skilleval_filing.filings.receipts import ReceiptAllocator
from skilleval_shared.auth import Role
from support.filing_flows import (
    accept,
    after_notice,
    kind_of,
    of_filing,
    published,
    replica,
    submitted,
    view,
)
from support.kafka import eventually
from support.samples import OTHER_USCC, USCC

pytestmark = pytest.mark.integration


async def _on_notice(filing, enterprise_headers, staff, uscc):
    headers = await enterprise_headers(uscc)
    filing_id = await submitted(filing, headers, uscc)
    await accept(filing, staff, filing_id)
    return filing_id


def _filed_events(records, filing_id):
    return [r for r in of_filing(records, filing_id) if kind_of(r) == "filing.filed"]


async def test_two_replicas_file_each_enterprise_once_with_distinct_receipts(
    filing, filing_settings, staff_headers, enterprise_headers
):
    staff = await staff_headers(Role.CITY_CENTER)
    first = await _on_notice(filing, enterprise_headers, staff, USCC)
    second = await _on_notice(filing, enterprise_headers, staff, OTHER_USCC)

    later = after_notice(filing_settings)
    async with (
        replica(filing_settings, today_override=later, notice_check_seconds=0.05) as one,
        replica(filing_settings, today_override=later, notice_check_seconds=0.05),
    ):

        async def both_filed():
            views = [await view(one, staff, filing_id) for filing_id in (first, second)]
            return views if all(v["status"] == "filed" for v in views) else None

        views = await eventually(both_filed, timeout=20)
        await asyncio.sleep(1.0)  # more rounds of both schedulers: nothing more may happen

    receipts = [v["receipt"] for v in views]
    assert receipts[0]["number"] != receipts[1]["number"]

    def settled(records):
        return all(_filed_events(records, f) for f in (first, second))

    records = await published(filing_settings, settled)
    for filing_id, receipt in zip((first, second), receipts, strict=True):
        [event] = _filed_events(records, filing_id)  # one event, however often relayed
        assert event.json()["data"]["receipt_number"] == receipt["number"]
        closed = [r for r in of_filing(records, filing_id) if kind_of(r) == "notice.closed"]
        assert len(closed) == 1
        history = (await view(filing, staff, filing_id))["version"]
        assert history == views[(first, second).index(filing_id)]["version"]


async def test_a_receipt_allocated_before_a_crash_is_reused_after_the_restart(
    filing, filing_settings, staff_headers, enterprise_headers
):
    staff = await staff_headers(Role.CITY_CENTER)
    filing_id = await _on_notice(filing, enterprise_headers, staff, USCC)
    later = after_notice(filing_settings)
    # A process that died after allocating the receipt and before filing left this behind.
    allocator = ReceiptAllocator(filing.app.state.filing.runtime.db)
    claimed = await allocator.receipt_for(filing_id, later)
    assert await allocator.receipt_for(filing_id, later) == claimed

    async with replica(filing_settings, today_override=later) as restarted:

        async def filed():
            current = await view(restarted, staff, filing_id)
            return current if current["status"] == "filed" else None

        receipt = (await eventually(filed, timeout=20))["receipt"]
    assert receipt["number"] == claimed.number

    # A second restart finds nothing left to do.
    version = (await view(filing, staff, filing_id))["version"]
    async with replica(filing_settings, today_override=later, notice_check_seconds=0.05):
        await asyncio.sleep(0.5)
    assert (await view(filing, staff, filing_id))["version"] == version
    records = await published(filing_settings, lambda got: bool(_filed_events(got, filing_id)))
    assert len(_filed_events(records, filing_id)) == 1


async def test_concurrent_claims_give_every_filing_its_own_receipt_number_once(filing):
    db = filing.app.state.filing.runtime.db
    owners = [f"{USCC}-{n}" for n in range(1, 13)]
    on = date(2026, 10, 14)
    # Two allocators (two replicas), each claiming for every filing at the same time.
    allocators = [ReceiptAllocator(db) for _ in range(2)]
    results = await asyncio.gather(
        *(allocator.receipt_for(owner, on) for owner in owners for allocator in allocators)
    )
    by_owner: dict[str, set[str]] = {}
    for (owner, _), receipt in zip(
        ((owner, a) for owner in owners for a in allocators), results, strict=True
    ):
        by_owner.setdefault(owner, set()).add(receipt.number)
    assert all(len(numbers) == 1 for numbers in by_owner.values()), by_owner
    numbers = [next(iter(numbers)) for numbers in by_owner.values()]
    assert len(set(numbers)) == len(owners)
    # Asked again later, each filing gets its number back and no new one is taken.
    assert [(await allocators[0].receipt_for(owner, on)).number for owner in owners] == numbers
    fresh = await allocators[1].receipt_for(f"{USCC}-99", on)
    assert fresh.number not in numbers
    # The serial is the province's, recorded by staff: never allocated here.
    assert all(receipt.institution_serial is None for receipt in results)
