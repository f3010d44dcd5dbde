"""Results: entered or imported in bulk by the enterprise; corrections with a reason.

Bulk by construction: one get of the enrolment index (what each registration needs, without
reading the registrations), one get of the results aggregate, the new entries stored as one
batch in the chunk store (``insert_many``), then one commit of a small state with the events
(all or nothing, so one commit however many rows; the store splits big event lists itself)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date

from skilleval_assessment.candidates.model import Enrolment, RowError
from skilleval_assessment.candidates.service import (
    BatchStore,
    EnrolmentRepository,
    registrations,
    row_errors_as_problem,
)
from skilleval_assessment.files.service import Files, Purpose
from skilleval_assessment.files.service import problems as file_problems
from skilleval_assessment.plans.service import PlanRepository, get
from skilleval_assessment.results import model
from skilleval_assessment.results.model import KIND, Enrolled, ResultInput, Results
from skilleval_shared.domain_errors import InvalidRequest, NotFound
from skilleval_shared.envelope import new_event_id, wrap
from skilleval_shared.events.assessment_parts import ResultEntry
from skilleval_shared.repository import Repository, Store

ResultRepository = Repository[Results]

__all__ = ["KIND", "ResultRepository", "correct", "entries", "record"]


def repository(store: Store) -> ResultRepository:
    return Repository(store, Results, missing="该方案尚未登记成绩")


def _batch_key(plan_id: str, batch_id: str) -> str:
    return f"{plan_id}/{batch_id}"


async def enrolled(
    *, enrolments: EnrolmentRepository, batches: BatchStore, plan_id: str
) -> dict[str, Enrolled]:
    """Each registration of the plan as a result needs it: from the enrolment index alone
    (one get), or from the registrations for an index written before it carried names."""
    found = await enrolments.load(plan_id)
    if found is None:
        return {}
    index: Enrolment = found.state
    if all(person.name is not None for person in index.persons.values()):
        return {
            person.registration_id: Enrolled(
                person.registration_id,
                person.name or "",
                key.split(":", 1)[1],
                person.occupation_code,
                person.work_type,
                person.level,
                person.eligible,
            )
            for key, person in index.persons.items()
        }
    every = await registrations(enrolments=enrolments, batches=batches, plan_id=plan_id)
    return {r.registration_id: Enrolled.of(r) for r in every}


async def record(
    *,
    plans: PlanRepository,
    enrolments: EnrolmentRepository,
    batches: BatchStore,
    results: ResultRepository,
    entries_store: BatchStore,
    uscc: str,
    plan_id: str,
    inputs: list[tuple[int, ResultInput]],
    recorded_by: str,
    today: date,
    bad_rows: Sequence[RowError] = (),
    partial: bool = False,
    files: Files | None = None,
) -> tuple[list[ResultEntry], list[RowError]]:
    """All or nothing unless ``partial``: any bad row (with ``bad_rows`` already found by a
    sheet's reader) refuses the whole entry, each bad row reported. Returns the entries
    recorded and the rows refused."""
    plan = (await get(plans=plans, plan_id=plan_id, owner=uscc)).state
    registered = await enrolled(enrolments=enrolments, batches=batches, plan_id=plan_id)
    wanted = [(g.evidence_sha256, Purpose.EVIDENCE) for _, g in inputs if g.evidence_sha256]
    wrong = await file_problems(files=files, plan_id=plan_id, wanted=wanted) if wanted else {}
    if wrong:
        bad_rows = [
            *bad_rows,
            *(
                RowError(row, "证明材料", wrong[g.evidence_sha256])
                for row, g in inputs
                if g.evidence_sha256 in wrong
            ),
        ]
        inputs = [(row, g) for row, g in inputs if g.evidence_sha256 not in wrong]

    async def attempt() -> tuple[list[ResultEntry], list[RowError]]:
        found = await results.load(plan_id)
        current = found.state if found else Results(plan_id=plan_id, uscc=plan.uscc)
        batch_id = "R" + new_event_id().replace("-", "")
        outcome = model.record(
            plan,
            current,
            registered,
            inputs,
            recorded_by=recorded_by,
            today=today,
            batch_id=batch_id,
        )
        errors = sorted([*bad_rows, *outcome.errors], key=lambda e: e.row)
        if errors and (not partial or not outcome.entries):
            _refuse(errors)
        items = [entry.model_dump(mode="json") for entry in outcome.entries]
        await entries_store.put(_batch_key(plan_id, batch_id), items)
        version = found.version if found else 0
        await results.save(plan_id, version, outcome.results, list(map(wrap, outcome.events)))
        return outcome.entries, errors

    return await results.retrying(attempt)


def _refuse(errors: list[RowError]) -> None:
    if errors:
        raise InvalidRequest(
            f"成绩登记失败：共有{len(errors)}条不符合要求，未登记任何成绩",
            errors=row_errors_as_problem(errors=errors),
        )


async def correct(
    *,
    plans: PlanRepository,
    enrolments: EnrolmentRepository,
    batches: BatchStore,
    results: ResultRepository,
    entries_store: BatchStore,
    uscc: str,
    plan_id: str,
    given: ResultInput,
    reason: str,
    corrected_by: str,
    today: date,
) -> ResultEntry:
    plan = (await get(plans=plans, plan_id=plan_id, owner=uscc)).state
    registered = await enrolled(enrolments=enrolments, batches=batches, plan_id=plan_id)
    registration = registered.get(given.registration_id)
    if registration is None:
        raise NotFound("本方案没有该报名编号")

    async def attempt() -> ResultEntry:
        found = await results.get(plan_id)
        mark = found.state.marks.get(given.registration_id)
        previous = None
        if mark is not None:
            stored = await entries_store.read(_batch_key(plan_id, mark.batch_id)) or []
            previous = next(
                (
                    ResultEntry.model_validate(item)
                    for item in stored
                    if item["registration_id"] == given.registration_id
                ),
                None,
            )
        batch_id = "R" + new_event_id().replace("-", "")
        updated, entry, event = model.correct(
            plan,
            found.state,
            registration,
            previous,
            given,
            reason=reason,
            corrected_by=corrected_by,
            today=today,
            batch_id=batch_id,
        )
        await entries_store.put(_batch_key(plan_id, batch_id), [entry.model_dump(mode="json")])
        await results.save(plan_id, found.version, updated, [wrap(event)])
        return entry

    return await results.retrying(attempt)


async def current(*, results: ResultRepository, plan_id: str) -> Results | None:
    found = await results.load(plan_id)
    return found.state if found else None


async def entries(
    *, results: ResultRepository, entries_store: BatchStore, plan_id: str
) -> list[ResultEntry]:
    """Every registration's current entry, in registration order."""
    found = await results.load(plan_id)
    if found is None:
        return []
    state = found.state
    stored = await asyncio.gather(
        *(entries_store.read(_batch_key(plan_id, b)) for b in state.batches)
    )
    latest: dict[str, ResultEntry] = {}
    for batch_id, items in zip(state.batches, stored, strict=True):
        for item in items or ():
            rid = item["registration_id"]
            mark = state.marks.get(rid)
            if mark is not None and mark.batch_id == batch_id:
                latest[rid] = ResultEntry.model_validate(item)
    return [latest[rid] for rid in sorted(latest)]
