"""Value objects carried by assessment events: the evaluation plan and the candidate.

The list caps keep a worst-case plan under the message size limit; an evaluation that needs
more staff, rooms or occupations is filed as several plans.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, PlainSerializer, StringConstraints, model_validator

from skilleval_shared.events.fields import (
    Clause,
    Count,
    Email,
    Gender,
    Identifier,
    IdNumber,
    Label,
    Level,
    LevelSet,
    Name,
    OccupationCode,
    Phone,
    Sha256,
    ShortText,
    Value,
)
from skilleval_shared.fields import TierName
from skilleval_shared.validation.id_number import IdType

QualificationNumber = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z-]{1,32}$")]

MAX_CONDITIONS = 40
MAX_SUBJECTS = 10
MAX_ROOMS = 40
MAX_STAFF = 200


class AssessmentMethod(StrEnum):
    EXAMINATION = "考核鉴定"
    EXAMINATION_AND_REVIEW = "考评结合"
    PROCESS = "过程化考核"
    DIRECT_RECOGNITION = "直接认定"
    CUSTOM = "自定义"


class Component(StrEnum):
    THEORY = "theory"
    PRACTICAL = "practical"
    REVIEW = "review"  # 综合评审: materials plus oral defence


_COMPONENT_ORDER = {component: position for position, component in enumerate(Component)}


def _in_declaration_order(components: frozenset[Component]) -> list[Component]:
    return sorted(components, key=_COMPONENT_ORDER.__getitem__)


# Serialised in declaration order, so equal sets give equal JSON whatever the hash seed.
ComponentSet = Annotated[
    frozenset[Component],
    Field(max_length=3),
    PlainSerializer(_in_declaration_order, when_used="json"),
]


class EligibilityTemplate(StrEnum):
    NATIONAL_2018 = "2018"
    NATIONAL_2022 = "2022"
    CUSTOM = "custom"


class Education(StrEnum):
    """最高学历 (or school) as the eligibility templates name them."""

    JUNIOR_HIGH = "初中及以下"
    SENIOR_HIGH = "高中/中专"
    TECHNICAL_SCHOOL = "技工学校"
    SENIOR_TECHNICAL_SCHOOL = "高级技工学校"
    TECHNICIAN_COLLEGE = "技师学院"
    JUNIOR_COLLEGE = "大专"
    BACHELOR = "本科及以上"


class ProfessionalTitle(StrEnum):
    JUNIOR = "初级职称"
    INTERMEDIATE = "中级职称"
    SENIOR = "高级职称"


MAX_EDUCATIONS = len(Education)


class ConditionCriteria(Value):
    """The checkable part of a condition; every criterion given must hold (none: always holds).

    ``certificate_level``: holds a certificate of this level or higher (a lower number).
    ``educations``: one of these schools or diplomas (a relevant major is on the enterprise).
    ``title``: at least this professional title.
    """

    min_years: int | None = Field(default=None, ge=0, le=60)
    certificate_level: Level | None = None
    educations: tuple[Education, ...] = Field(default=(), max_length=MAX_EDUCATIONS)
    title: ProfessionalTitle | None = None
    min_age: int | None = Field(default=None, ge=14, le=80)


class EligibilityCondition(Value):
    """One way to qualify for ``level``; ``exceptional`` marks a 破格 condition."""

    condition_id: Identifier
    level: Level
    text: Clause
    exceptional: bool = False
    criteria: ConditionCriteria = ConditionCriteria()


class Eligibility(Value):
    """The rule set (申报条件) the plan's registrations are checked against."""

    template: EligibilityTemplate
    conditions: tuple[EligibilityCondition, ...] = Field(min_length=1, max_length=MAX_CONDITIONS)


class ContentKind(StrEnum):
    """评价内容."""

    ABILITY = "职业能力"
    PERFORMANCE = "工作业绩"
    ETHICS = "职业道德和工匠精神"


class EvaluationContent(Value):
    """What is evaluated and the standard (国家职业技能标准, 企业评价规范…) it is measured by."""

    kind: ContentKind
    standard: Clause


MAX_COMPONENTS = 6
MAX_POSTS = 5


class ScoredComponent(Value):
    """One scored part of an evaluation (理论知识, 操作技能, 业绩评审, 综合评审…), out of 100."""

    name: TierName
    weight: int | None = Field(default=None, ge=0, le=100)
    pass_mark: int = Field(default=60, ge=0, le=100)


class LevelScheme(Value):
    """How one level is evaluated: its method and scored components. When every component has
    a weight (summing to 100) the weighted total must also reach ``total_pass_mark``."""

    level: Level
    method: AssessmentMethod
    components: tuple[ScoredComponent, ...] = Field(default=(), max_length=MAX_COMPONENTS)
    total_pass_mark: int = Field(default=60, ge=0, le=100)


class PlanSubject(Value):
    """An occupation (工种) and levels evaluated under the plan, and how."""

    occupation_code: OccupationCode
    occupation_name: Label
    work_type: Label | None = None
    levels: LevelSet
    method: AssessmentMethod
    method_description: Clause | None = None
    components: ComponentSet = frozenset()
    # The posts (岗位) whose holders may apply for this occupation.
    posts: tuple[Label, ...] = Field(default=(), max_length=MAX_POSTS)
    schemes: tuple[LevelScheme, ...] = Field(default=(), max_length=5)


class RoomKind(StrEnum):
    THEORY = "theory"
    PRACTICAL = "practical"
    REVIEW = "review"


class Session(Value):
    """A sitting in a room (场次)."""

    starts_at: datetime
    ends_at: datetime


class ExamRoom(Value):
    name: Label
    kind: RoomKind
    location: ShortText
    capacity: int = Field(ge=1, le=10_000)  # seats
    sessions: tuple[Session, ...] = Field(default=(), max_length=4)


class StaffRole(StrEnum):
    PROCTOR = "proctor"  # 监考人员
    EXAMINER = "examiner"  # 考评人员
    REVIEWER = "reviewer"  # 综合评审 panel member
    QUALITY_SUPERVISOR = "quality_supervisor"  # 质量督导员


class StaffAssignment(Value):
    role: StaffRole
    name: Name
    qualification_number: QualificationNumber | None = None  # e.g. 考评员证号
    room: Label | None = None  # the room (ExamRoom.name) assigned to


class EmploymentKind(StrEnum):
    """Who may be evaluated by an enterprise (人员范围)."""

    EMPLOYEE = "在岗职工"
    DISPATCHED = "劳务派遣人员"
    OUTSOURCED = "业务外包人员"
    STUDENT = "校企合作院校学生"


class Candidate(Value):
    name: Name
    id_type: IdType
    id_number: IdNumber
    gender: Gender
    birth_date: date
    phone: Phone
    email: Email | None = None
    employment: EmploymentKind
    employer: ShortText  # 所在单位
    post: ShortText  # 所在岗位
    hire_date: date
    years_in_occupation: int = Field(ge=0, le=80)
    education: Education | None = None
    title: ProfessionalTitle | None = None
    certificate_level: Level | None = None  # current 职业资格/技能等级 certificate
    certificate_number: QualificationNumber | None = None
    photo_sha256: Sha256 | None = None  # the photo printed on the certificate


class EligibilityOutcome(Value):
    """资格审核: eligible with the condition met (for 破格 also the ground and its evidence), or
    ineligible with the reason (Chinese). An ineligible registration is kept, visible to the
    enterprise and the centre, but gets no result and never enters a roster."""

    eligible: bool = True
    condition_id: Identifier | None = None
    exceptional: bool = False
    ground: Clause | None = None
    evidence: Clause | None = None
    evidence_sha256: Sha256 | None = None
    reason: Clause | None = None  # why not eligible

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.eligible and (self.condition_id is None or self.reason is not None):
            raise ValueError("an eligible outcome names its condition and has no reason")
        if not self.eligible and (self.reason is None or self.exceptional):
            raise ValueError("an ineligible outcome gives its reason")
        return self


class Registration(Value):
    """One candidate registered (报名) for one occupation and level under a plan."""

    registration_id: Identifier
    candidate: Candidate
    occupation_code: OccupationCode
    occupation_name: Label
    work_type: Label | None = None
    level: Level
    tier: TierName | None = None  # the enterprise's own tier, mapped to ``level``
    eligibility: EligibilityOutcome
    amendment: bool = False  # registered after the plan was submitted


class ComponentScore(Value):
    name: TierName
    score: float = Field(ge=0, le=100)


class ResultEntry(Value):
    """The outcome of one registration: scores by component, pass/fail by the plan's rules."""

    registration_id: Identifier
    candidate_name: Name
    id_number: IdNumber
    occupation_code: OccupationCode
    level: Level
    method: AssessmentMethod
    scores: tuple[ComponentScore, ...] = Field(default=(), max_length=MAX_COMPONENTS)
    total: float | None = Field(default=None, ge=0, le=100)
    passed: bool
    evaluated_on: date
    examiners: tuple[Name, ...] = Field(min_length=1, max_length=5)
    evidence: Clause | None = None  # 直接认定: the award or contribution
    evidence_sha256: Sha256 | None = None
    corrections: Count = 0
