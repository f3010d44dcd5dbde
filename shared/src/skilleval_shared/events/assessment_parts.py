"""Value objects carried by assessment events: the evaluation plan and the candidate.

The list caps keep a worst-case plan under the message size limit; an evaluation that needs
more staff, rooms or occupations is filed as several plans.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field, PlainSerializer, StringConstraints

from skilleval_shared.events.fields import (
    Clause,
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
    ShortText,
    Value,
)
from skilleval_shared.validation.id_number import IdType

QualificationNumber = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z-]{1,32}$")]

MAX_CONDITIONS = 40
MAX_SUBJECTS = 30
MAX_ROOMS = 60
MAX_STAFF = 300


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


class EligibilityCondition(Value):
    """One way to qualify for ``level``; ``exceptional`` marks a 破格 condition."""

    condition_id: Identifier
    level: Level
    text: Clause
    exceptional: bool = False


class Eligibility(Value):
    """The rule set (申报条件) the plan's registrations are checked against."""

    template: EligibilityTemplate
    conditions: tuple[EligibilityCondition, ...] = Field(min_length=1, max_length=MAX_CONDITIONS)


class PlanSubject(Value):
    """An occupation (工种) and levels evaluated under the plan, and how."""

    occupation_code: OccupationCode
    occupation_name: Label
    work_type: Label | None = None
    levels: LevelSet
    method: AssessmentMethod
    method_description: Clause | None = None
    components: ComponentSet = frozenset()


class RoomKind(StrEnum):
    THEORY = "theory"
    PRACTICAL = "practical"
    REVIEW = "review"


class ExamRoom(Value):
    name: Label
    kind: RoomKind
    location: ShortText
    capacity: int = Field(ge=1, le=10_000)


class StaffRole(StrEnum):
    PROCTOR = "proctor"  # 监考人员
    EXAMINER = "examiner"  # 考评人员
    REVIEWER = "reviewer"  # 综合评审 panel member
    QUALITY_SUPERVISOR = "quality_supervisor"  # 质量督导员


class StaffAssignment(Value):
    role: StaffRole
    name: Name
    qualification_number: QualificationNumber | None = None  # e.g. 考评员证号


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
