"""The filing service against the in-memory store: a draft, its form, catalog and materials,
submission, a decision, an objection; each commit with its shared events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from skilleval_filing.actors import Caller
from skilleval_filing.filings import commands as c
from skilleval_filing.filings import material_service, objections, service
from skilleval_filing.filings.lifecycle import Actor, FilingState
from skilleval_filing.filings.materials import MaterialKind
from skilleval_filing.filings.repository import FilingRepository
from skilleval_filing.filings.submission import IncompleteFiling
from skilleval_shared.domain_errors import Conflict, NotFound
from skilleval_shared.events import filing as s
from skilleval_shared.file_types import PDF
from skilleval_shared.web.uploads import CheckedUpload
from support.filing_samples import ALL_MET, USCC, catalog, complete_draft
from support.memory_store import MemoryStore

ENTERPRISE = Caller(Actor.ENTERPRISE, USCC, USCC)
CITY = Caller(Actor.CITY_CENTER, "staff:wang")
ACCEPTED_ON = date(2026, 9, 30)


@dataclass(frozen=True)
class Saved:
    file_id: str
    owner_uscc: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str


class MemoryFiles:
    def __init__(self) -> None:
        self.saved: dict[str, Saved] = {}

    async def save(
        self, *, owner_uscc: str, filename: str, content_type: str, content: bytes
    ) -> Saved:
        file_id = f"file-{len(self.saved)}"
        saved = Saved(file_id, owner_uscc, filename, content_type, len(content), "ef" * 32)
        self.saved[file_id] = saved
        return saved

    async def get(self, file_id: str) -> Saved | None:
        return self.saved.get(file_id)


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore("filing")


@pytest.fixture
def filings(store: MemoryStore) -> FilingRepository:
    return FilingRepository(store)


async def filled(filings: FilingRepository, files: MemoryFiles) -> str:
    draft = await service.create_draft(filings=filings, uscc=USCC, enterprise_name="青岛示例")
    await service.save_application(
        filings=filings, caller=ENTERPRISE, filing_id=draft.id, draft=complete_draft()
    )
    await service.save_catalog(
        filings=filings, caller=ENTERPRISE, filing_id=draft.id, catalog=catalog()
    )
    for kind in MaterialKind:
        await material_service.attach_material(
            filings=filings,
            files=files,  # type: ignore[arg-type]
            caller=ENTERPRISE,
            filing_id=draft.id,
            kind=kind,
            upload=CheckedUpload(f"{kind.number}.pdf", PDF, b"%PDF-1.7"),
        )
    return draft.id


async def test_a_filled_draft_is_submitted_and_accepted_with_its_events(
    filings: FilingRepository, store: MemoryStore
) -> None:
    filing_id = await filled(filings, MemoryFiles())
    assert store.published == []  # drafts publish nothing

    await service.submit(filings=filings, caller=ENTERPRISE, filing_id=filing_id)
    accepted = await service.execute(
        filings=filings,
        caller=CITY,
        filing_id=filing_id,
        command=c.AcceptForNotice(ACCEPTED_ON, conditions=ALL_MET),
    )

    assert accepted.state.state is FilingState.ON_NOTICE
    assert [type(event.data) for event in store.published] == [
        s.FilingSubmitted,
        s.FilingConditionsReviewed,
        s.FilingAccepted,
        s.NoticeStarted,
    ]
    # One decision, one correlation.
    assert len({event.correlationid for event in store.published[1:]}) == 1
    submitted = store.published[0].data
    assert isinstance(submitted, s.FilingSubmitted) and len(submitted.materials) == 10


async def test_submission_of_an_empty_draft_names_what_is_missing(
    filings: FilingRepository, store: MemoryStore
) -> None:
    draft = await service.create_draft(filings=filings, uscc=USCC, enterprise_name=None)

    with pytest.raises(IncompleteFiling) as caught:
        await service.submit(filings=filings, caller=ENTERPRISE, filing_id=draft.id)
    assert caught.value.catalog_missing and len(caught.value.missing_materials) == 10
    assert store.published == []


async def test_one_open_filing_per_enterprise(filings: FilingRepository) -> None:
    await service.create_draft(filings=filings, uscc=USCC, enterprise_name=None)

    with pytest.raises(Conflict, match="不能重复创建"):
        await service.create_draft(filings=filings, uscc=USCC, enterprise_name=None)


async def test_objections_reach_only_a_filing_on_notice(
    filings: FilingRepository, store: MemoryStore
) -> None:
    filing_id = await filled(filings, MemoryFiles())
    form = objections.ObjectionForm(text="考评人员不足", contact_email="someone@example.com")
    with pytest.raises(NotFound):
        await objections.raise_objection(
            filings=filings, filing_id=filing_id, form=form, on=date(2026, 10, 2)
        )

    await service.submit(filings=filings, caller=ENTERPRISE, filing_id=filing_id)
    await service.execute(
        filings=filings,
        caller=CITY,
        filing_id=filing_id,
        command=c.AcceptForNotice(ACCEPTED_ON, conditions=ALL_MET),
    )
    objection_id = await objections.raise_objection(
        filings=filings, filing_id=filing_id, form=form, on=date(2026, 10, 2)
    )

    found = await service.get(filings=filings, filing_id=filing_id)
    assert [o.objection_id for o in found.state.filing.objections] == [objection_id]
    assert type(store.published[-1].data) is s.ObjectionRaised


async def test_a_material_is_read_back_only_as_its_owners_file(filings: FilingRepository) -> None:
    files = MemoryFiles()
    filing_id = await filled(filings, files)

    found = await material_service.material_file(
        filings=filings,
        files=files,  # type: ignore[arg-type]
        filing_id=filing_id,
        kind=MaterialKind.WORK_PLAN,
    )

    assert found.owner_uscc == USCC and found.filename == "2.pdf"


async def test_a_new_filing_follows_only_an_ended_one(filings: FilingRepository) -> None:
    first = await service.create_draft(filings=filings, uscc=USCC, enterprise_name=None)
    ended = first.state.filing.model_copy(update={"state": FilingState.REJECTED})
    await filings.save(first.id, first.version, first.state.model_copy(update={"filing": ended}))

    second = await service.create_draft(filings=filings, uscc=USCC, enterprise_name=None)

    assert (first.id, second.id) == (f"{USCC}-1", f"{USCC}-2")
    assert (await service.current(filings=filings, uscc=USCC)).id == second.id
    with pytest.raises(NotFound, match="备案申请不存在"):
        await service.get(filings=filings, filing_id=f"{USCC}-²")


async def test_a_decision_racing_another_writer_is_decided_again_on_the_fresh_filing(
    filings: FilingRepository, store: MemoryStore
) -> None:
    """Another writer (here a second save of the same filing; in CI the terms scheduler's
    reminder) commits between the reviewer's load and commit: the reviewer's decision is made
    again on the fresh filing instead of failing with "数据已被他人修改"."""
    filing_id = await filled(filings, MemoryFiles())
    await service.submit(filings=filings, caller=ENTERPRISE, filing_id=filing_id)
    load = filings.get
    raced = False

    async def get_then_race(aggregate_id: str):  # type: ignore[no-untyped-def]
        nonlocal raced
        found = await load(aggregate_id)
        if not raced:
            raced = True
            await filings.save(aggregate_id, found.version, found.state)  # another writer
        return found

    filings.get = get_then_race  # type: ignore[method-assign]
    accepted = await service.execute(
        filings=filings,
        caller=CITY,
        filing_id=filing_id,
        command=c.AcceptForNotice(ACCEPTED_ON, conditions=ALL_MET),
    )
    assert raced and accepted.state.state is FilingState.ON_NOTICE
