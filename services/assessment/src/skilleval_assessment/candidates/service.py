"""报名: one candidate, or a whole sheet at once. A batch's registrations are stored in the
chunk store first (orphans are harmless), then the enrolment index commits with the events."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from pymongo.asynchronous.collection import AsyncCollection

from skilleval_assessment.candidates.model import (
    KIND,
    CandidateForm,
    Enrolment,
    RowError,
    admit,
    enrol,
)
from skilleval_assessment.enterprises.service import Institutions
from skilleval_assessment.files.service import Files, Purpose
from skilleval_assessment.files.service import problems as file_problems
from skilleval_assessment.plans.service import PlanRepository, ensure_may_enrol, get
from skilleval_shared.domain_errors import AlreadyExists, InvalidRequest
from skilleval_shared.envelope import new_event_id, wrap
from skilleval_shared.events.assessment_parts import Registration
from skilleval_shared.repository import Repository, Store
from skilleval_shared.storage.mongo import Document
from skilleval_shared.tasks import Periodic

EnrolmentRepository = Repository[Enrolment]
IN_THREAD_ABOVE = 1000  # rows checked in a worker thread
Progress = Callable[[str, int], None]
logger = logging.getLogger(__name__)

__all__ = ["KIND", "EnrolmentRepository", "ImportOutcome", "register", "registrations"]


class BatchStore(Protocol):
    async def put(self, payload_id: str, items: Sequence[Any]) -> str: ...

    async def read(self, payload_id: str) -> list[Any] | None: ...


def repository(store: Store) -> EnrolmentRepository:
    return Repository(store, Enrolment, missing="该方案尚无报名人员")


@dataclass(frozen=True)
class ImportOutcome:
    registered: list[Registration]  # eligible or not
    errors: list[RowError]
    ineligible: list[RowError] = field(default_factory=list)  # registered, 资格审核 not passed


def row_errors_as_problem(*, errors: list[RowError]) -> list[dict[str, str]]:
    return [
        {
            "field": f"第{e.row}行/{e.column}",
            "row": str(e.row),
            "column": e.column,
            "message": e.message,
        }
        for e in errors
    ]


async def register(
    *,
    plans: PlanRepository,
    institutions: Institutions,
    enrolments: EnrolmentRepository,
    batches: BatchStore,
    uscc: str,
    plan_id: str,
    rows: list[tuple[int, CandidateForm]],
    bad_rows: Sequence[RowError] = (),
    partial: bool = False,
    progress: Progress = lambda stage, count: None,
    files: Files | None = None,
) -> ImportOutcome:
    """Register ``rows``; every refused row (with ``bad_rows`` already found by the reader) is
    reported, and nothing is stored when any row is bad unless ``partial`` is asked for."""

    rows, bad_rows = await _check_files(files, plan_id, rows, bad_rows)

    async def attempt() -> ImportOutcome:
        plan = (await get(plans=plans, plan_id=plan_id, owner=uscc)).state
        await ensure_may_enrol(institutions=institutions, plan=plan)
        found = await enrolments.load(plan_id)
        enrolment = found.state if found else Enrolment(plan_id=plan_id, uscc=plan.uscc)
        batch_id = "B" + new_event_id().replace("-", "")

        def checked(count: int) -> None:
            progress("checking", count + len(bad_rows))

        if len(rows) > IN_THREAD_ABOVE:  # CPU-bound: keep the loop free to record progress
            admission = await asyncio.to_thread(
                admit, plan, enrolment, rows, batch_id=batch_id, on_checked=checked
            )
        else:
            admission = admit(plan, enrolment, rows, batch_id=batch_id, on_checked=checked)
        admitted = admission.registrations
        errors = sorted([*bad_rows, *admission.errors], key=lambda e: e.row)
        progress("checked", len(rows) + len(bad_rows))
        if errors and not partial:
            return ImportOutcome([], errors)
        if not admitted:
            return ImportOutcome([], errors)
        items = [registration.model_dump(mode="json") for registration in admitted]
        await batches.put(f"{plan_id}/{batch_id}", items)
        updated, events = enrol(plan, enrolment, admitted, batch_id=batch_id)
        await enrolments.save(
            plan_id, found.version if found else 0, updated, list(map(wrap, events))
        )
        progress("registered", len(admitted))
        return ImportOutcome(admitted, errors, admission.ineligible)

    return await enrolments.retrying(attempt)


async def _check_files(
    files: Files | None,
    plan_id: str,
    rows: list[tuple[int, CandidateForm]],
    bad_rows: Sequence[RowError],
) -> tuple[list[tuple[int, CandidateForm]], Sequence[RowError]]:
    """Rows whose photo or evidence is not an uploaded file of the plan become bad rows."""
    wanted = [
        (sha, purpose)
        for _, form in rows
        for sha, purpose in (
            (form.photo_sha256, Purpose.PHOTO),
            (form.evidence_sha256, Purpose.EVIDENCE),
        )
        if sha is not None
    ]
    if not wanted:
        return rows, bad_rows
    wrong = await file_problems(files=files, plan_id=plan_id, wanted=wanted)
    if not wrong:
        return rows, bad_rows
    kept: list[tuple[int, CandidateForm]] = []
    refused = list(bad_rows)
    for row, form in rows:
        found = [
            RowError(row, column, wrong[sha])
            for sha, column in ((form.photo_sha256, "照片"), (form.evidence_sha256, "证明材料"))
            if sha is not None and sha in wrong
        ]
        refused.extend(found)
        if not found:
            kept.append((row, form))
    return kept, refused


async def register_one(
    *,
    plans: PlanRepository,
    institutions: Institutions,
    enrolments: EnrolmentRepository,
    batches: BatchStore,
    uscc: str,
    plan_id: str,
    form: CandidateForm,
    files: Files | None = None,
) -> Registration:
    outcome = await register(
        plans=plans,
        institutions=institutions,
        enrolments=enrolments,
        batches=batches,
        uscc=uscc,
        plan_id=plan_id,
        rows=[(1, form)],
        files=files,
    )
    if outcome.errors:
        error = outcome.errors[0]
        refusal = AlreadyExists if error.column == "证件号" else InvalidRequest
        raise refusal(error.message, errors=[{"field": error.column, "message": error.message}])
    return outcome.registered[0]


def refuse_import(*, outcome: ImportOutcome) -> None:
    if outcome.errors and not outcome.registered:
        raise InvalidRequest(
            f"导入失败：共有{len(outcome.errors)}行不符合要求，未导入任何人员",
            errors=row_errors_as_problem(errors=outcome.errors),
        )


async def registrations(
    *, enrolments: EnrolmentRepository, batches: BatchStore, plan_id: str
) -> list[Registration]:
    """Every registration of the plan, in registration order."""
    found = await enrolments.load(plan_id)
    if found is None:
        return []
    stored = await asyncio.gather(*(batches.read(f"{plan_id}/{b}") for b in found.state.batches))
    result = [Registration.model_validate(item) for items in stored for item in items or ()]
    return sorted(result, key=lambda registration: registration.registration_id)


class ImportProgressLog:
    """An import's progress as the client sees it (``GET …/imports/{id}``): notes are taken
    synchronously (cheap, from any thread) and written by a background task a few times a
    second, so a 10,000-row import shows rows checked so far without waiting on the database."""

    def __init__(
        self, collection: AsyncCollection[Document], progress_id: str, every: float = 0.25
    ) -> None:
        self.collection = collection
        self.progress_id = progress_id
        self.every = every
        self.fields: dict[str, Any] = {"stage": "reading", "rows": 0}
        self.written: dict[str, Any] = {}
        self.writer: Periodic | None = None

    def note(self, stage: str, count: int) -> None:
        key = "registered" if stage == "registered" else "rows"
        self.fields = self.fields | {"stage": stage, key: count}

    def total(self, rows: int) -> None:
        self.fields = self.fields | {"total": rows}

    async def flush(self) -> None:
        fields = self.fields
        if fields != self.written:
            await self.collection.update_one(
                {"_id": self.progress_id}, {"$set": fields}, upsert=True
            )
            self.written = fields

    async def __aenter__(self) -> ImportProgressLog:
        await self.flush()
        self.writer = Periodic(f"import progress {self.progress_id}", self.flush, self.every)
        self.writer.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        # Periodic, not a bare task.cancel(): a cancellation landing in the driver's I/O can be
        # swallowed, and a cancelled-and-awaited loop then never ends (a 10,000-row import hung
        # in CI that way).
        if self.writer is not None:
            await self.writer.stop()
        await self.flush()
