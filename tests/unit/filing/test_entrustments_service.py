"""The entrustment service against the in-memory store (and a file store in memory)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from skilleval_filing.actors import Caller
from skilleval_filing.catalog import service as catalog
from skilleval_filing.entrustments import service
from skilleval_filing.entrustments.model import EntrustmentRecord
from skilleval_filing.filings.lifecycle import Actor
from skilleval_filing.filings.repository import FilingRepository
from skilleval_filing.review import ReviewState
from skilleval_shared.domain_errors import IllegalTransition, NotFound
from skilleval_shared.events.filing import EntrustmentAccepted, EntrustmentSubmitted
from skilleval_shared.file_types import PDF
from skilleval_shared.web.uploads import CheckedUpload
from support.filing_samples import OTHER_USCC, THIRD_USCC, USCC, entrustment_agreement, put_on_file
from support.memory_store import MemoryStore

TODAY = date(2026, 11, 2)
TRUSTEE = Caller(Actor.ENTERPRISE, USCC, USCC)
STAFF = Caller(Actor.CITY_CENTER, "staff:wang")
UPLOAD = CheckedUpload(filename="协议.pdf", file_type=PDF, content=b"%PDF-1.7 agreement")


@dataclass(frozen=True)
class Saved:
    file_id: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str


class MemoryFiles:
    def __init__(self) -> None:
        self.saved: list[Saved] = []

    async def save(
        self, *, owner_uscc: str, filename: str, content_type: str, content: bytes
    ) -> Saved:
        saved = Saved(f"file-{len(self.saved)}", filename, content_type, len(content), "cd" * 32)
        self.saved.append(saved)
        return saved


class Setup:
    def __init__(self) -> None:
        self.store = MemoryStore("entrustment")
        self.entrustments = service.repository(self.store)
        self.catalogs = catalog.repository(MemoryStore("catalog"))
        self.filings = FilingRepository(MemoryStore("filing"))  # type: ignore[arg-type]
        self.files = MemoryFiles()

    def parts(self) -> dict[str, Any]:
        return {
            "entrustments": self.entrustments,
            "catalogs": self.catalogs,
            "filings": self.filings,
        }


@pytest.fixture
async def setup() -> Setup:
    made = Setup()
    await put_on_file(made.filings)
    return made


async def submit(setup: Setup, caller: Caller = TRUSTEE) -> EntrustmentRecord:
    return await service.submit(
        **setup.parts(),
        files=setup.files,  # type: ignore[arg-type]
        caller=caller,
        agreement=entrustment_agreement(trustee_uscc=caller.uscc),
        upload=UPLOAD,
        on=TODAY,
    )


async def upload_plan(setup: Setup, record: EntrustmentRecord) -> EntrustmentRecord:
    return await service.upload_plan(
        entrustments=setup.entrustments,
        files=setup.files,  # type: ignore[arg-type]
        caller=TRUSTEE,
        entrustment_id=record.entrustment_id,
        upload=CheckedUpload(filename="实施方案.pdf", file_type=PDF, content=b"%PDF-1.7 plan"),
    )


async def accepted(setup: Setup) -> EntrustmentRecord:
    record = await submit(setup)
    await upload_plan(setup, record)
    return await service.review(
        **setup.parts(), caller=STAFF, entrustment_id=record.entrustment_id, accept=True, on=TODAY
    )


async def test_an_agreement_is_filed_with_its_file_and_accepted_by_staff(setup: Setup) -> None:
    record = await submit(setup)
    assert record.file.file_id == "file-0" and record.state is ReviewState.SUBMITTED
    with pytest.raises(IllegalTransition, match="尚未上传评价实施方案"):
        await service.review(
            **setup.parts(),
            caller=STAFF,
            entrustment_id=record.entrustment_id,
            accept=True,
            on=TODAY,
        )
    planned = await upload_plan(setup, record)
    assert planned.plan is not None and planned.plan.filename == "实施方案.pdf"

    accepted = await service.review(
        **setup.parts(), caller=STAFF, entrustment_id=record.entrustment_id, accept=True, on=TODAY
    )

    assert accepted.state is ReviewState.ACCEPTED and accepted.decided_by == "staff:wang"
    assert [type(e.data) for e in setup.store.published] == [
        EntrustmentSubmitted,
        EntrustmentAccepted,
    ]


async def test_the_parties_and_staff_see_it_and_nobody_else(setup: Setup) -> None:
    record = await submit(setup)
    client = Caller(Actor.ENTERPRISE, OTHER_USCC, OTHER_USCC)
    stranger = Caller(Actor.ENTERPRISE, THIRD_USCC, THIRD_USCC)

    for caller in (TRUSTEE, client, STAFF):
        found = await service.listed(entrustments=setup.entrustments, caller=caller, status=None)
        assert [r.entrustment_id for r in found] == [record.entrustment_id]
    assert await service.listed(entrustments=setup.entrustments, caller=stranger, status=None) == []
    with pytest.raises(NotFound):
        await service.visible(
            entrustments=setup.entrustments, caller=stranger, entrustment_id=record.entrustment_id
        )


async def test_an_enterprise_not_on_file_stores_no_file(setup: Setup) -> None:
    outsider = Caller(Actor.ENTERPRISE, THIRD_USCC, THIRD_USCC)

    with pytest.raises(IllegalTransition, match="尚未备案"):
        await submit(setup, outsider)
    assert setup.files.saved == [] and setup.store.published == []


async def test_a_party_suspended_suspends_it_until_every_party_may_evaluate_again(
    setup: Setup,
) -> None:
    record = await accepted(setup)
    changed = service.party_status_changed
    entrustments = setup.entrustments

    assert await changed(entrustments=entrustments, uscc=OTHER_USCC, status="suspended", on=TODAY)
    # the same status again (a redelivered event) changes nothing
    assert not await changed(
        entrustments=entrustments, uscc=OTHER_USCC, status="suspended", on=TODAY
    )
    assert await changed(entrustments=entrustments, uscc=USCC, status="revoked", on=TODAY)
    assert await changed(entrustments=entrustments, uscc=OTHER_USCC, status="filed", on=TODAY)
    held = (await entrustments.get(record.entrustment_id)).state.entrustment
    assert [s.reason for s in held.suspensions] == ["受托方已被取消评价资质"]
    assert not held.is_usable_on(TODAY)
    # only the first suspension is announced; the trustee's revocation keeps it suspended
    kinds = [type(e.data).__name__ for e in setup.store.published]
    assert kinds[-1] == "EntrustmentSuspended" and "EntrustmentResumed" not in kinds


async def test_a_lifted_suspension_resumes_it(setup: Setup) -> None:
    record = await accepted(setup)
    entrustments = setup.entrustments

    await service.party_status_changed(
        entrustments=entrustments, uscc=USCC, status="suspended", on=TODAY
    )
    await service.party_status_changed(
        entrustments=entrustments, uscc=USCC, status="filed", on=TODAY
    )

    assert (await entrustments.get(record.entrustment_id)).state.entrustment.is_usable_on(TODAY)
    kinds = [type(e.data).__name__ for e in setup.store.published]
    assert kinds[-2:] == ["EntrustmentSuspended", "EntrustmentResumed"]


async def test_a_suspension_reaching_a_submitted_agreement_first_keeps_it_from_acceptance(
    setup: Setup,
) -> None:
    """The race the reviewer can lose: the client's filing read as in good standing, then its
    suspension reaches the agreement before the acceptance commits. The acceptance decides again
    on the agreement the suspension left, and is refused; nothing is announced for an agreement
    that was never in force."""
    record = await submit(setup)
    await upload_plan(setup, record)
    published = len(setup.store.published)
    assert await service.party_status_changed(
        entrustments=setup.entrustments, uscc=OTHER_USCC, status="suspended", on=TODAY
    )
    assert len(setup.store.published) == published
    with pytest.raises(IllegalTransition, match="委托方已暂停评价，不能通过"):
        await service.review(
            **setup.parts(),
            caller=STAFF,
            entrustment_id=record.entrustment_id,
            accept=True,
            on=TODAY,
        )
    await service.party_status_changed(
        entrustments=setup.entrustments, uscc=OTHER_USCC, status="filed", on=TODAY
    )
    accepted = await service.review(
        **setup.parts(), caller=STAFF, entrustment_id=record.entrustment_id, accept=True, on=TODAY
    )
    assert accepted.state is ReviewState.ACCEPTED and not accepted.entrustment.is_suspended
