"""职业技能等级认定人员名册 (附件3): rows from the passing candidates, in the official column
order and wording, and the roster's submissions to certification (header after the chunks)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from skilleval_assessment.enterprises.model import Institution
from skilleval_assessment.plans.model import Plan, PlanStatus
from skilleval_assessment.results.model import Results
from skilleval_shared.domain_errors import Conflict, IllegalTransition, InvalidRequest
from skilleval_shared.events.assessment import RosterRowsSubmitted, RosterSubmitted
from skilleval_shared.events.assessment_parts import EmploymentKind, Registration
from skilleval_shared.events.fields import NO_WORK_TYPE
from skilleval_shared.events.roster import ROSTER_COLUMNS, RosterRow, chunk_rows
from skilleval_shared.validation import SkillLevel

KIND = "roster"
HEADERS = tuple(title for _, title in ROSTER_COLUMNS)
# Certification's answers after which a corrected roster may be submitted again.
REJECTED_STAGES = frozenset({"validation_failed", "city_rejected", "province_rejected"})


def build_rows(
    institution: Institution, registrations: list[Registration], results: Results
) -> list[RosterRow]:
    """One row per passing candidate, numbered from 1 in registration order; refused while the
    institution serial (the roster's 评价机构编码) is not yet recorded on the filing."""
    if not institution.roster_code:
        raise IllegalTransition(
            "机构序号待省职业技能鉴定指导中心分配，市职业技能鉴定中心登记后方可生成人员名册"
        )
    rows: list[RosterRow] = []
    for registration in registrations:
        if not results.passed(registration.registration_id):
            continue
        if not registration.eligibility.eligible:
            continue
        person = registration.candidate
        rows.append(
            RosterRow(
                seq=len(rows) + 1,
                institution_code=institution.roster_code,
                institution_name=institution.name,
                name=person.name,
                id_type=person.id_type,
                id_number=person.id_number,
                gender=person.gender,
                birth_date=person.birth_date,
                phone=person.phone,
                email=person.email,
                is_employee=person.employment is EmploymentKind.EMPLOYEE,
                employer=person.employer,
                years_in_occupation=person.years_in_occupation,
                post=person.post,
                hire_date=person.hire_date,
                occupation_code=registration.occupation_code,
                occupation_name=registration.occupation_name,
                work_type=registration.work_type,
                level=registration.level,
            )
        )
    return rows


def official_values(row: RosterRow) -> list[str | int]:
    """The row as the official sheet writes it: 是/否, "三级/高级工", "--" for no 工种."""

    def day(value: date | None) -> str:
        return value.isoformat() if value else ""

    return [
        row.seq,
        row.institution_code,
        row.institution_name,
        row.name,
        row.id_type.value,
        row.id_number,
        row.gender.value,
        day(row.birth_date),
        row.phone,
        row.email or "",
        "是" if row.is_employee else "否",
        row.employer,
        row.years_in_occupation,
        row.post,
        day(row.hire_date),
        row.occupation_code,
        row.occupation_name,
        row.work_type or NO_WORK_TYPE,
        SkillLevel(row.level).title,
        row.certificate_number or "",
        day(row.issue_date),
    ]


class Submission(BaseModel):
    model_config = ConfigDict(frozen=True)

    roster_id: str
    row_count: int
    chunk_count: int
    sha256: str


class Roster(BaseModel):
    """The rosters one plan has submitted, latest last."""

    model_config = ConfigDict(frozen=True)

    plan_id: str
    uscc: str
    submissions: tuple[Submission, ...] = ()

    @property
    def latest(self) -> Submission | None:
        return self.submissions[-1] if self.submissions else None


def roster_id(plan_id: str, revision: int) -> str:
    return f"{plan_id}-R{revision}"


def submit(
    plan: Plan,
    roster: Roster,
    institution: Institution,
    rows: list[RosterRow],
    *,
    sha256: str,
    latest_stage: str | None,
) -> tuple[Roster, Submission, list[RosterRowsSubmitted | RosterSubmitted]]:
    """A new submission, or the latest again (no events) when its rows are the same."""
    if plan.status is not PlanStatus.ACCEPTED:
        raise IllegalTransition("评价考核方案尚未受理，不能报送名册")
    if not rows:
        raise InvalidRequest("没有考核合格的人员，名册为空")
    latest = roster.latest
    if latest is not None and latest.sha256 == sha256:
        return roster, latest, []
    if latest is not None and latest_stage not in REJECTED_STAGES:
        raise Conflict("名册已报送、正在审核，审核退回后才能重新报送")
    chunks = list(chunk_rows(rows))
    submission = Submission(
        roster_id=roster_id(plan.plan_id, len(roster.submissions) + 1),
        row_count=len(rows),
        chunk_count=len(chunks),
        sha256=sha256,
    )
    events: list[RosterRowsSubmitted | RosterSubmitted] = [
        RosterRowsSubmitted(
            uscc=plan.uscc,
            roster_id=submission.roster_id,
            chunk_index=index,
            chunk_count=len(chunks),
            rows=tuple(chunk),
        )
        for index, chunk in enumerate(chunks)
    ]
    events.append(
        RosterSubmitted(
            uscc=plan.uscc,
            roster_id=submission.roster_id,
            plan_id=plan.plan_id,
            institution_name=institution.name,
            row_count=len(rows),
            chunk_count=len(chunks),
        )
    )
    updated = roster.model_copy(update={"submissions": (*roster.submissions, submission)})
    return updated, submission, events
