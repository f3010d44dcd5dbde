"""评价考核方案: the plan's content, its lifecycle (draft → submitted → accepted, or returned and
resubmitted), and what a plan must hold before the city centre gets it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from skilleval_assessment.enterprises.model import Offering
from skilleval_assessment.plans.staffing import StaffingRules, staffing_problems
from skilleval_assessment.plans.templates import default_scheme
from skilleval_shared.domain_errors import IllegalTransition, InvalidRequest
from skilleval_shared.events.assessment import (
    MAX_ROSTER_ROWS,
    PlanAccepted,
    PlanResubmitted,
    PlanReturned,
    PlanSubmitted,
)
from skilleval_shared.events.assessment_parts import (
    MAX_ROOMS,
    MAX_STAFF,
    MAX_SUBJECTS,
    AssessmentMethod,
    ContentKind,
    Eligibility,
    EligibilityCondition,
    EvaluationContent,
    ExamRoom,
    LevelScheme,
    PlanSubject,
    RoomKind,
    StaffAssignment,
)
from skilleval_shared.events.fields import Identifier, LevelTier, Remark, Uscc
from skilleval_shared.fields import ShortText

KIND = "plan"


class PlanStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"


class PlanContent(BaseModel):
    """What the enterprise writes; checked for completeness only when submitted."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: ShortText
    entrustment_id: Identifier | None = None
    client_uscc: Uscc | None = None
    eligibility: Eligibility
    subjects: tuple[PlanSubject, ...] = Field(min_length=1, max_length=MAX_SUBJECTS)
    starts_at: datetime
    ends_at: datetime
    place: ShortText
    expected_candidates: int = Field(ge=1, le=MAX_ROSTER_ROWS)
    pass_mark: int = Field(default=60, ge=0, le=100)
    rooms: tuple[ExamRoom, ...] = Field(default=(), max_length=MAX_ROOMS)
    staff: tuple[StaffAssignment, ...] = Field(default=(), max_length=MAX_STAFF)
    contents: tuple[EvaluationContent, ...] = Field(default=(), max_length=6)
    tiers: tuple[LevelTier, ...] = Field(default=(), max_length=10)
    min_age: int = Field(default=16, ge=14, le=80)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.ends_at < self.starts_at:
            raise ValueError("评价结束时间不能早于开始时间")
        if (self.entrustment_id is None) != (self.client_uscc is None):
            raise ValueError("委托评价须同时填写委托评价协议编号和委托企业统一社会信用代码")
        keys = [(s.occupation_code, s.work_type) for s in self.subjects]
        if len(set(keys)) != len(keys):
            raise ValueError("同一职业（工种）在方案中只能出现一次")
        return self

    def offerings(self) -> list[Offering]:
        return [
            Offering(
                occupation_code=subject.occupation_code,
                occupation_name=subject.occupation_name,
                work_type=subject.work_type,
                level=level,
            )
            for subject in self.subjects
            for level in sorted(subject.levels, reverse=True)
        ]

    def subject_for(self, occupation_code: str, work_type: str | None) -> PlanSubject | None:
        for subject in self.subjects:
            if (subject.occupation_code, subject.work_type) == (occupation_code, work_type):
                return subject
        return None

    def conditions_for(self, level: int) -> list[EligibilityCondition]:
        return [c for c in self.eligibility.conditions if c.level == level]

    def tier_level(self, tier: str) -> int | None:
        return next((t.national_level for t in self.tiers if t.name == tier), None)


def scheme_for(subject: PlanSubject, level: int) -> LevelScheme | None:
    """The plan's own scheme for the level, else the default of the subject's method."""
    for scheme in subject.schemes:
        if scheme.level == level:
            return scheme
    return default_scheme(subject.method, level)


def seat_needs(
    content: PlanContent, levels_sitting: dict[tuple[str, str | None, int], int]
) -> dict[RoomKind, int]:
    """Candidates per kind of room: those whose scheme has 理论知识 sit in a theory room,
    those with 操作技能 in a practical room. ``levels_sitting`` counts candidates per
    (occupation code, 工种, level)."""
    needs = {RoomKind.THEORY: 0, RoomKind.PRACTICAL: 0}
    for (code, work_type, level), count in levels_sitting.items():
        subject = content.subject_for(code, work_type)
        scheme = scheme_for(subject, level) if subject else None
        names = {c.name for c in scheme.components} if scheme else set()
        needs[RoomKind.THEORY] += count if "理论知识" in names else 0
        needs[RoomKind.PRACTICAL] += count if "操作技能" in names else 0
    return needs


def content_problems(content: PlanContent) -> list[str]:
    """What a complete plan lacks (申报条件, 评价内容, 评价方式 per level), in Chinese."""
    problems: list[str] = []
    missing_kinds = set(ContentKind) - {item.kind for item in content.contents}
    for kind in ContentKind:
        if kind in missing_kinds:
            problems.append(f"评价内容缺少“{kind.value}”及其评价标准")
    for offering in content.offerings():
        subject = content.subject_for(offering.occupation_code, offering.work_type)
        assert subject is not None
        ordinary = [c for c in content.conditions_for(offering.level) if not c.exceptional]
        if not ordinary:
            problems.append(f"{offering.describe()}缺少申报条件")
        scheme = scheme_for(subject, offering.level)
        if scheme is None:
            problems.append(f"{offering.describe()}采用自定义评价方式，须列明考核项目及合格标准")
            continue
        if scheme.method is not AssessmentMethod.DIRECT_RECOGNITION and not scheme.components:
            problems.append(f"{offering.describe()}缺少考核项目")
        weights = [c.weight for c in scheme.components]
        if all(w is not None for w in weights) and weights and sum(w or 0 for w in weights) != 100:
            problems.append(f"{offering.describe()}各考核项目权重之和应为100")
        names = {c.name for c in scheme.components}
        examined = scheme.method is not AssessmentMethod.DIRECT_RECOGNITION
        if offering.level <= 2 and examined and "综合评审" not in names:
            problems.append(f"{offering.describe()}须包含综合评审")
    return problems


class Plan(BaseModel):
    model_config = ConfigDict(frozen=True)

    plan_id: str
    uscc: str
    status: PlanStatus = PlanStatus.DRAFT
    content: PlanContent
    submissions: int = 0
    candidate_count: int = 0
    candidates_sha256: str | None = None
    decided_by: str | None = None
    remarks: tuple[Remark, ...] = ()

    @property
    def open_for_edits(self) -> bool:
        return self.status in (PlanStatus.DRAFT, PlanStatus.RETURNED)

    @property
    def frozen(self) -> bool:
        """Submitted at least once and not returned: new candidates are amendments."""
        return self.status in (PlanStatus.SUBMITTED, PlanStatus.ACCEPTED)


def edit(plan: Plan, content: PlanContent) -> Plan:
    if not plan.open_for_edits:
        raise IllegalTransition("方案已报送，不能修改（退回后可修改）")
    if (content.entrustment_id, content.client_uscc) != (
        plan.content.entrustment_id,
        plan.content.client_uscc,
    ):
        raise InvalidRequest("方案的委托评价关系不能修改，请新建方案")
    return plan.model_copy(update={"content": content})


def submit(
    plan: Plan,
    *,
    candidate_count: int,
    candidates_sha256: str,
    rules: StaffingRules,
    needs: dict[RoomKind, int],
) -> tuple[Plan, PlanSubmitted | PlanResubmitted]:
    """Freeze the candidate list and hand the plan to the city centre."""
    if not plan.open_for_edits:
        raise IllegalTransition("方案已报送，请等待审核结果")
    if candidate_count == 0:
        raise InvalidRequest("方案尚无参加评价人员，请先报名")
    problems = content_problems(plan.content)
    problems += staffing_problems(plan.content.rooms, plan.content.staff, rules, needs)
    if problems:
        raise InvalidRequest(
            "评价考核方案不完整：" + problems[0],
            errors=[{"field": "plan", "message": text} for text in problems],
        )
    event_class = PlanResubmitted if plan.status is PlanStatus.RETURNED else PlanSubmitted
    content = plan.content.model_dump(exclude={"min_age"})
    event = event_class(
        uscc=plan.uscc,
        plan_id=plan.plan_id,
        **content,
        candidate_count=candidate_count,
        candidates_sha256=candidates_sha256,
    )
    submitted = plan.model_copy(
        update={
            "status": PlanStatus.SUBMITTED,
            "submissions": plan.submissions + 1,
            "candidate_count": candidate_count,
            "candidates_sha256": candidates_sha256,
        }
    )
    return submitted, event


def accept(plan: Plan, *, decided_by: str) -> tuple[Plan, PlanAccepted]:
    if plan.status is not PlanStatus.SUBMITTED:
        raise IllegalTransition("只有已报送的方案可以受理")
    event = PlanAccepted(uscc=plan.uscc, plan_id=plan.plan_id, decided_by=decided_by)
    return plan.model_copy(update={"status": PlanStatus.ACCEPTED, "decided_by": decided_by}), event


def return_(
    plan: Plan, *, decided_by: str, remarks: tuple[Remark, ...]
) -> tuple[Plan, PlanReturned]:
    if plan.status is not PlanStatus.SUBMITTED:
        raise IllegalTransition("只有已报送的方案可以退回")
    if not remarks:
        raise InvalidRequest("退回方案须写明修改意见")
    event = PlanReturned(
        uscc=plan.uscc, plan_id=plan.plan_id, decided_by=decided_by, remarks=remarks
    )
    returned = plan.model_copy(
        update={"status": PlanStatus.RETURNED, "decided_by": decided_by, "remarks": remarks}
    )
    return returned, event
