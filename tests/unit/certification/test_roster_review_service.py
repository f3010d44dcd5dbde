"""The review service over the in-memory store: load → decide → save, events committed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from skilleval_certification.numbering.model import MissingInstitutionSerial
from skilleval_certification.rosters import service
from skilleval_certification.rosters.model import RosterStatus, validated
from skilleval_certification.rosters.validation import CheckedRow
from skilleval_shared.events.certification import ReviewStage
from support.certification_samples import USCC, institution, row
from support.memory_store import MemoryStore

TODAY = date(2026, 3, 20)


class Institutions:
    def __init__(self, found: Any) -> None:
        self.found = found

    async def get(self, uscc: str) -> Any:
        return self.found


async def parts_with(found: Any) -> tuple[Any, MemoryStore]:
    store = MemoryStore("roster")
    repository = service.repository(store)
    roster, _events = validated(
        roster_id="r1",
        institution_uscc=USCC,
        institution_name="示例",
        plan_id="p1",
        chunk_count=1,
        rows=[CheckedRow(row=row(seq)) for seq in (1, 2)],
    )
    await repository.add("r1", roster)
    parts: Any = type("Parts", (), {"rosters": repository, "institutions": Institutions(found)})()
    return parts, store


async def both_reviews(parts: Any) -> Any:
    await service.review(
        parts=parts,
        roster_id="r1",
        stage=ReviewStage.CITY,
        approve=True,
        reviewed_by="c1",
        today=TODAY,
    )
    return await service.review(
        parts=parts,
        roster_id="r1",
        stage=ReviewStage.PROVINCE,
        approve=True,
        reviewed_by="p1",
        today=TODAY,
    )


async def test_province_approval_orders_the_numbering() -> None:
    parts, store = await parts_with(institution())
    roster = await both_reviews(parts)
    assert roster.status is RosterStatus.NUMBERING
    assert store.event_types()[-2:] == [
        "cn.skilleval.certification.roster.province-approved.v1",
        "cn.skilleval.certification.numbering.requested.v1",
    ]


async def test_without_the_serial_the_roster_waits_and_says_why() -> None:
    parts, store = await parts_with(institution(institution_serial=None))
    roster = await both_reviews(parts)
    assert roster.status is RosterStatus.PROVINCE_APPROVED
    assert roster.numbering_refused and "机构序号" in roster.numbering_refused
    with pytest.raises(MissingInstitutionSerial):
        await service.request_numbering(parts=parts, roster_id="r1", uscc=None, today=TODAY)
    parts.institutions.found = institution()
    roster = await service.request_numbering(parts=parts, roster_id="r1", uscc=USCC, today=TODAY)
    assert roster.status is RosterStatus.NUMBERING
    assert store.event_types()[-1] == "cn.skilleval.certification.numbering.requested.v1"


async def test_a_stalled_numbering_is_ordered_again_then_given_a_definite_outcome() -> None:
    from datetime import UTC, datetime, timedelta

    parts, store = await parts_with(institution())
    roster = await both_reviews(parts)
    assert roster.status is RosterStatus.NUMBERING
    assert roster.numbering_ordered_at is not None
    ordered = store.event_types().count("cn.skilleval.certification.numbering.requested.v1")
    soon = roster.numbering_ordered_at + timedelta(seconds=10)

    async def resume(at: datetime) -> list[str]:
        return await service.resume_numbering(parts=parts, after_seconds=60, max_orders=3, now=at)

    assert await resume(soon) == []  # not stalled yet
    later = soon
    for orders in (2, 3):  # stalled: ordered again, each time a fresh order on the topic
        later += timedelta(seconds=120)
        assert await resume(later) == ["r1"]
        current = (await parts.rosters.get("r1")).state
        assert current.status is RosterStatus.NUMBERING and current.numbering_orders == orders
        assert current.issue_date == TODAY
        assert (
            store.event_types().count("cn.skilleval.certification.numbering.requested.v1")
            == ordered + orders - 1
        )
    later += timedelta(seconds=120)
    assert await resume(later) == ["r1"]  # the last order failed too: a definite outcome
    current = (await parts.rosters.get("r1")).state
    assert current.status is RosterStatus.PROVINCE_APPROVED
    assert current.numbering_refused and "重新申请编号" in current.numbering_refused
    assert await resume(later + timedelta(hours=1)) == []
    again = await service.request_numbering(parts=parts, roster_id="r1", uscc=None, today=TODAY)
    assert again.status is RosterStatus.NUMBERING and again.numbering_orders == 1
    assert datetime.now(UTC) >= again.numbering_ordered_at  # type: ignore[operator]
