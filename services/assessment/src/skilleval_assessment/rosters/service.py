"""Rosters: built from the passing candidates, stored through the chunk store, submitted to
certification as row chunks then the header (one commit, so in order); certification's answers
are projected per roster so the enterprise can follow its progress."""

from __future__ import annotations

from typing import Any, Protocol

from pymongo.asynchronous.database import AsyncDatabase

from skilleval_assessment.candidates.service import BatchStore, EnrolmentRepository, registrations
from skilleval_assessment.enterprises.service import Institutions
from skilleval_assessment.plans.service import PlanRepository, get
from skilleval_assessment.results.model import Results
from skilleval_assessment.results.service import ResultRepository
from skilleval_assessment.rosters import model
from skilleval_assessment.rosters.model import KIND, Roster, Submission
from skilleval_shared.domain_errors import NotFound, NotPermitted
from skilleval_shared.envelope import CloudEvent, wrap
from skilleval_shared.events.roster import RosterRow
from skilleval_shared.repository import Repository, Store
from skilleval_shared.storage.chunks import canonical, digest
from skilleval_shared.storage.mongo import Document
from skilleval_shared.storage.projection import Projection

RosterRepository = Repository[Roster]

__all__ = ["KIND", "RosterProgress", "RosterRepository", "build", "submit"]


def repository(store: Store) -> RosterRepository:
    return Repository(store, Roster, missing="该方案尚未报送名册")


class Stages(Protocol):
    async def stage(self, roster_id: str) -> str | None: ...


async def build(
    *,
    plans: PlanRepository,
    enrolments: EnrolmentRepository,
    batches: BatchStore,
    results: ResultRepository,
    institutions: Institutions,
    uscc: str | None,
    plan_id: str,
) -> tuple[list[RosterRow], str]:
    """The roster rows of the plan now, and the plan's owner."""
    plan = (await get(plans=plans, plan_id=plan_id, owner=uscc)).state
    institution = await institutions.get(plan.uscc)
    if institution is None:
        raise NotPermitted("企业尚未完成备案，不能生成名册")
    found = await results.load(plan_id)
    current = found.state if found else Results(plan_id=plan_id, uscc=plan.uscc)
    registered = await registrations(enrolments=enrolments, batches=batches, plan_id=plan_id)
    return model.build_rows(institution, registered, current), plan.uscc


async def submit(
    *,
    plans: PlanRepository,
    enrolments: EnrolmentRepository,
    batches: BatchStore,
    results: ResultRepository,
    rosters: RosterRepository,
    rows_store: BatchStore,
    institutions: Institutions,
    stages: Stages,
    uscc: str,
    plan_id: str,
) -> Submission:
    """Idempotent: the same rows submitted again give the same roster and no new events."""
    rows, _ = await build(
        plans=plans,
        enrolments=enrolments,
        batches=batches,
        results=results,
        institutions=institutions,
        uscc=uscc,
        plan_id=plan_id,
    )
    plan = (await get(plans=plans, plan_id=plan_id, owner=uscc)).state
    institution = await institutions.get(plan.uscc)
    assert institution is not None

    items = [row.model_dump(mode="json") for row in rows]
    sha = digest([canonical(item) for item in items])

    async def attempt() -> Submission:
        found = await rosters.load(plan_id)
        roster = found.state if found else Roster(plan_id=plan_id, uscc=plan.uscc)
        latest = roster.latest
        stage = await stages.stage(latest.roster_id) if latest else None
        updated, submission, events = model.submit(
            plan, roster, institution, rows, sha256=sha, latest_stage=stage
        )
        if events:
            await rows_store.put(submission.roster_id, items)
            version = found.version if found else 0
            await rosters.save(plan_id, version, updated, [wrap(event) for event in events])
        return submission

    return await rosters.retrying(attempt)


async def submitted_rows(*, rows_store: BatchStore, roster_id: str) -> list[RosterRow]:
    items = await rows_store.read(roster_id)
    if items is None:
        raise NotFound("名册不存在")
    return [RosterRow.model_validate(item) for item in items]


# Certification's roster events and the stage each leaves the roster at.
STAGE_AFTER = {
    "cn.skilleval.certification.roster.city-approved.v1": "city_approved",
    "cn.skilleval.certification.roster.city-rejected.v1": "city_rejected",
    "cn.skilleval.certification.roster.province-approved.v1": "province_approved",
    "cn.skilleval.certification.roster.province-rejected.v1": "province_rejected",
    "cn.skilleval.certification.roster.issued.v1": "issued",
}


class RosterProgress:
    """Each roster's progress through certification (validated, reviewed, issued)."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.projection = Projection(db["roster_progress"])

    async def record(self, event: CloudEvent[Any]) -> None:
        data = event.data
        fields: Document = {"uscc": data.institution_uscc, "updated_at": event.time.isoformat()}
        if event.type.endswith(".roster.validated.v1"):
            fields |= {
                "stage": "validated" if data.ok else "validation_failed",
                "error_count": data.error_count,
                "errors": [error.model_dump(mode="json") for error in data.errors[:20]],
            }
        else:
            fields["stage"] = STAGE_AFTER[event.type]
            if hasattr(data, "remarks"):
                fields["remarks"] = [remark.model_dump(mode="json") for remark in data.remarks]
            if hasattr(data, "certificate_count"):
                fields["certificate_count"] = data.certificate_count
        await self.projection.apply(data.roster_id, event, lambda body: body | fields)

    async def get(self, roster_id: str) -> Document | None:
        return await self.projection.get(roster_id)

    async def stage(self, roster_id: str) -> str | None:
        found = await self.get(roster_id)
        return None if found is None else found.get("stage")
