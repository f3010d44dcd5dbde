"""Results: entered or imported in bulk by the enterprise; corrections with a reason."""

from __future__ import annotations

from datetime import date

from skilleval_assessment.candidates.model import RowError
from skilleval_assessment.candidates.service import (
    BatchStore,
    EnrolmentRepository,
    registrations,
    row_errors_as_problem,
)
from skilleval_assessment.plans.service import PlanRepository, get
from skilleval_assessment.results import model
from skilleval_assessment.results.model import KIND, ResultInput, Results
from skilleval_shared.domain_errors import InvalidRequest, NotFound
from skilleval_shared.envelope import wrap
from skilleval_shared.events.assessment_parts import ResultEntry
from skilleval_shared.repository import Repository, Store

ResultRepository = Repository[Results]

__all__ = ["KIND", "ResultRepository", "correct", "record"]


def repository(store: Store) -> ResultRepository:
    return Repository(store, Results, missing="该方案尚未登记成绩")


async def record(
    *,
    plans: PlanRepository,
    enrolments: EnrolmentRepository,
    batches: BatchStore,
    results: ResultRepository,
    uscc: str,
    plan_id: str,
    inputs: list[tuple[int, ResultInput]],
    recorded_by: str,
    today: date,
) -> list[ResultEntry]:
    """All or nothing: any bad row refuses the whole entry, each bad row reported."""
    plan = (await get(plans=plans, plan_id=plan_id, owner=uscc)).state
    registered = {
        r.registration_id: r
        for r in await registrations(enrolments=enrolments, batches=batches, plan_id=plan_id)
    }

    async def attempt() -> list[ResultEntry]:
        found = await results.load(plan_id)
        current = found.state if found else Results(plan_id=plan_id, uscc=plan.uscc)
        updated, events, errors = model.record(
            plan, current, registered, inputs, recorded_by=recorded_by, today=today
        )
        _refuse(errors)
        await results.save(plan_id, found.version if found else 0, updated, list(map(wrap, events)))
        return [updated.entries[given.registration_id] for _, given in inputs]

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
    uscc: str,
    plan_id: str,
    given: ResultInput,
    reason: str,
    corrected_by: str,
    today: date,
) -> ResultEntry:
    plan = (await get(plans=plans, plan_id=plan_id, owner=uscc)).state
    registered = {
        r.registration_id: r
        for r in await registrations(enrolments=enrolments, batches=batches, plan_id=plan_id)
    }
    registration = registered.get(given.registration_id)
    if registration is None:
        raise NotFound("本方案没有该报名编号")

    async def attempt() -> ResultEntry:
        found = await results.get(plan_id)
        updated, event = model.correct(
            plan,
            found.state,
            registration,
            given,
            reason=reason,
            corrected_by=corrected_by,
            today=today,
        )
        await results.save(plan_id, found.version, updated, [wrap(event)])
        return updated.entries[given.registration_id]

    return await results.retrying(attempt)


async def current(*, results: ResultRepository, plan_id: str) -> Results | None:
    found = await results.load(plan_id)
    return found.state if found else None
