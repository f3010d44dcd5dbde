"""Plans: drafted and edited by the enterprise, submitted with the frozen candidate list,
accepted or returned by the city centre."""

from __future__ import annotations

from skilleval_assessment.candidates.model import Enrolment
from skilleval_assessment.enterprises.model import ensure_may_evaluate
from skilleval_assessment.enterprises.service import Institutions
from skilleval_assessment.plans import model
from skilleval_assessment.plans.model import KIND, Plan, PlanContent, PlanStatus
from skilleval_assessment.plans.staffing import StaffingRules
from skilleval_shared.domain_errors import NotFound
from skilleval_shared.envelope import new_event_id, wrap
from skilleval_shared.events.fields import Remark
from skilleval_shared.repository import Loaded, Repository, Store

PlanRepository = Repository[Plan]
EnrolmentRepository = Repository[Enrolment]

__all__ = ["KIND", "PlanRepository", "accept", "create", "get", "return_plan", "submit", "update"]


def repository(store: Store) -> PlanRepository:
    return Repository(
        store,
        Plan,
        missing="评价考核方案不存在",
        indexed=lambda plan: {"owner": plan.uscc, "state_status": plan.status.value},
    )


def new_plan_id() -> str:
    return "P" + new_event_id().replace("-", "")


async def _check_enterprise(institutions: Institutions, uscc: str, content: PlanContent) -> None:
    ensure_may_evaluate(
        await institutions.get(uscc),
        content.offerings(),
        entrustment_id=content.entrustment_id,
        client_uscc=content.client_uscc,
        between=(content.starts_at.date(), content.ends_at.date()),
    )


async def ensure_may_enrol(*, institutions: Institutions, plan: Plan) -> None:
    """Registration under a plan the enterprise may no longer evaluate (its filing suspended,
    its entrustment suspended, …) is refused, as the plan itself would be now."""
    await _check_enterprise(institutions, plan.uscc, plan.content)


async def get(*, plans: PlanRepository, plan_id: str, owner: str | None) -> Loaded[Plan]:
    """The plan; an enterprise (``owner``) sees only its own, others look missing."""
    found = await plans.get(plan_id)
    if owner is not None and found.state.uscc != owner:
        raise NotFound(plans.missing)
    return found


async def create(
    *, plans: PlanRepository, institutions: Institutions, uscc: str, content: PlanContent
) -> Plan:
    await _check_enterprise(institutions, uscc, content)
    plan = Plan(plan_id=new_plan_id(), uscc=uscc, content=content)
    await plans.add(plan.plan_id, plan)
    return plan


async def update(
    *,
    plans: PlanRepository,
    institutions: Institutions,
    uscc: str,
    plan_id: str,
    content: PlanContent,
) -> Plan:
    await _check_enterprise(institutions, uscc, content)

    async def attempt() -> Plan:
        found = await get(plans=plans, plan_id=plan_id, owner=uscc)
        edited = model.edit(found.state, content)
        await plans.save(plan_id, found.version, edited)
        return edited

    return await plans.retrying(attempt)


async def submit(
    *,
    plans: PlanRepository,
    enrolments: EnrolmentRepository,
    institutions: Institutions,
    uscc: str,
    plan_id: str,
    rules: StaffingRules,
) -> Plan:
    async def attempt() -> Plan:
        found = await get(plans=plans, plan_id=plan_id, owner=uscc)
        await _check_enterprise(institutions, uscc, found.state.content)
        enrolled = await enrolments.load(plan_id)
        enrolment = enrolled.state if enrolled else Enrolment(plan_id=plan_id, uscc=uscc)
        submitted, event = model.submit(
            found.state,
            candidate_count=enrolment.eligible_count(),
            candidates_sha256=enrolment.digest(),
            rules=rules,
            needs=model.seat_needs(found.state.content, enrolment.sitting()),
        )
        await plans.save(plan_id, found.version, submitted, [wrap(event)])
        return submitted

    return await plans.retrying(attempt)


async def accept(*, plans: PlanRepository, plan_id: str, decided_by: str) -> Plan:
    async def attempt() -> Plan:
        found = await plans.get(plan_id)
        accepted, event = model.accept(found.state, decided_by=decided_by)
        await plans.save(plan_id, found.version, accepted, [wrap(event)])
        return accepted

    return await plans.retrying(attempt)


async def return_plan(
    *, plans: PlanRepository, plan_id: str, decided_by: str, remarks: tuple[Remark, ...]
) -> Plan:
    async def attempt() -> Plan:
        found = await plans.get(plan_id)
        returned, event = model.return_(found.state, decided_by=decided_by, remarks=remarks)
        await plans.save(plan_id, found.version, returned, [wrap(event)])
        return returned

    return await plans.retrying(attempt)


async def list_plans(
    *, plans: PlanRepository, owner: str | None, status: PlanStatus | None = None
) -> list[Plan]:
    query: dict[str, str] = {}
    if owner is not None:
        query["owner"] = owner
    if status is not None:
        query["state_status"] = status.value
    return [found.state for found in await plans.find(query)]
