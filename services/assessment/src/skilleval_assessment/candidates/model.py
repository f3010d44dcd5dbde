"""报名 and 资格审核: candidate forms, the plan's enrolment index, and who may register.

The enrolment of a plan keeps one small index entry per person (the registrations themselves
are stored by batch); a person registers once per plan, for one occupation (工种) and level.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from skilleval_assessment.candidates.eligibility import Claim, Facts, evaluate
from skilleval_assessment.plans.model import Plan, scheme_for
from skilleval_shared.events.assessment import MAX_REGISTRATIONS_PER_EVENT, CandidatesRegistered
from skilleval_shared.events.assessment_parts import (
    AssessmentMethod,
    Candidate,
    Education,
    EmploymentKind,
    ProfessionalTitle,
    QualificationNumber,
    Registration,
)
from skilleval_shared.events.fields import Gender, Identifier, Level, Sha256
from skilleval_shared.fields import Clause, Email, Label, Name, Phone, ShortText, TierName
from skilleval_shared.validation import OccupationCode, birth_date_of, sex_of, validate_id
from skilleval_shared.validation.id_number import IdType

KIND = "enrolment"
PROGRESS_EVERY = 500  # rows between two progress notes of a bulk import


class CandidateForm(BaseModel):
    """One candidate's 报名表 (a request body, or one row of an import)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: Name
    id_type: IdType = IdType.RESIDENT_ID
    id_number: str = Field(min_length=1, max_length=40)
    gender: Gender | None = None
    birth_date: date | None = None
    phone: Phone
    email: Email | None = None
    employment: EmploymentKind = EmploymentKind.EMPLOYEE
    employer: ShortText
    post: ShortText
    hire_date: date
    years_in_occupation: int = Field(ge=0, le=80)
    education: Education | None = None
    title: ProfessionalTitle | None = None
    certificate_level: Level | None = None
    certificate_number: QualificationNumber | None = None
    occupation_code: OccupationCode
    work_type: Label | None = None
    level: Level | None = None
    tier: TierName | None = None
    condition_id: Identifier | None = None
    ground: Clause | None = None
    evidence: Clause | None = None
    evidence_sha256: Sha256 | None = None
    photo_sha256: Sha256 | None = None

    @model_validator(mode="after")
    def _identity(self) -> Self:
        number = validate_id(self.id_type, self.id_number)
        updates: dict[str, object] = {"id_number": number}
        if self.id_type is IdType.RESIDENT_ID:
            born, sex = birth_date_of(number), Gender(sex_of(number))
            if self.birth_date is not None and self.birth_date != born:
                raise ValueError("出生日期与身份证号码不一致")
            if self.gender is not None and self.gender is not sex:
                raise ValueError("性别与身份证号码不一致")
            updates |= {"birth_date": born, "gender": sex}
        elif self.birth_date is None or self.gender is None:
            raise ValueError("非居民身份证须填写性别和出生日期")
        if self.level is None and self.tier is None:
            raise ValueError("请填写申报等级或企业内部等级")
        if self.hire_date > date.today():
            raise ValueError("入职时间不能晚于今天")
        self.__dict__.update(updates)
        return self

    @property
    def person_key(self) -> str:
        return person_key(self.id_type, self.id_number)


def person_key(id_type: str, id_number: str) -> str:
    return f"{id_type}:{id_number}"


class EnrolledPerson(BaseModel):
    model_config = ConfigDict(frozen=True)

    registration_id: str
    occupation_code: str
    work_type: str | None
    level: int
    batch_id: str
    direct: bool = False  # 直接认定: sits no exam
    name: str | None = None  # what a result needs without reading the batch
    eligible: bool = True  # 资格审核 passed; an ineligible person gets no result


class Enrolment(BaseModel):
    """The index of a plan's registrations; the registrations live in their batches."""

    model_config = ConfigDict(frozen=True)

    plan_id: str
    uscc: str
    persons: dict[str, EnrolledPerson] = {}
    batches: tuple[str, ...] = ()

    def digest(self) -> str:
        """参加评价人员信息 frozen at submission: the registrations, as a digest."""
        lines = sorted(f"{e.registration_id}|{key}" for key, e in self.persons.items())
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()

    def eligible_count(self) -> int:
        return sum(1 for entry in self.persons.values() if entry.eligible)

    def sitting(self) -> dict[tuple[str, str | None, int], int]:
        counts: dict[tuple[str, str | None, int], int] = {}
        for entry in self.persons.values():
            if entry.eligible and not entry.direct:
                key = (entry.occupation_code, entry.work_type, entry.level)
                counts[key] = counts.get(key, 0) + 1
        return counts


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class Admission:
    registrations: list[Registration]
    errors: list[RowError]  # hard input errors: nothing of these rows is stored
    ineligible: list[RowError]  # registered, but 资格审核 not passed (the reason)


COLUMN_OF = {
    "occupation_code": "职业编码",
    "work_type": "工种名称",
    "level": "申报等级",
    "tier": "企业内部等级",
    "post": "所在岗位",
    "birth_date": "出生日期",
    "id_number": "证件号",
    "condition_id": "申报条件",
    "photo_sha256": "照片",
    "evidence_sha256": "证明材料",
}


_CANDIDATE_FIELDS = tuple(Candidate.model_fields)


def _candidate(form: CandidateForm) -> Candidate:
    """The form's person: its fields are the same types, validated once already (the email
    check alone is a tenth of a millisecond, which a 10,000-row import feels twice)."""
    values = {name: getattr(form, name) for name in _CANDIDATE_FIELDS}
    return Candidate.model_construct(**values)


def registration_id(plan_id: str, number: int) -> str:
    return f"{plan_id}-{number:06d}"


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def admit(
    plan: Plan,
    enrolment: Enrolment,
    rows: list[tuple[int, CandidateForm]],
    *,
    batch_id: str,
    on_checked: Callable[[int], None] = lambda count: None,
) -> Admission:
    """The registrations the rows make (eligible or not), every row refused with its column and
    reason, and the rows registered as ineligible with the reason."""
    content = plan.content
    on = content.starts_at.date()
    seen = set(enrolment.persons)
    registrations: list[Registration] = []
    errors: list[RowError] = []
    ineligible: list[RowError] = []
    for checked, (row, form) in enumerate(rows):
        if checked % PROGRESS_EVERY == 0 and checked:
            on_checked(checked)

        def refuse(field: str, message: str, row: int = row) -> None:
            errors.append(RowError(row, COLUMN_OF[field], message))

        subject = content.subject_for(form.occupation_code, form.work_type)
        if subject is None:
            refuse("occupation_code", "本方案未安排该职业（工种）的评价")
            continue
        level = form.level
        if form.tier is not None:
            mapped = content.tier_level(form.tier)
            if mapped is None:
                refuse("tier", f"方案中没有企业内部等级“{form.tier}”")
                continue
            if level is not None and level != mapped:
                refuse("tier", "企业内部等级对应的国家等级与申报等级不一致")
                continue
            level = mapped
        assert level is not None
        if level not in subject.levels:
            refuse("level", "本方案未安排该职业（工种）此等级的评价")
            continue
        if subject.posts and form.post not in subject.posts:
            allowed = "、".join(subject.posts)
            refuse("post", f"所在岗位与申报职业（工种）不一致（对应岗位：{allowed}）")
            continue
        assert form.birth_date is not None and form.gender is not None
        age = _age(form.birth_date, on)
        if age < content.min_age:
            refuse("birth_date", f"评价开始时未满{content.min_age}周岁")
            continue
        if form.person_key in seen:
            refuse("id_number", "该人员已在本方案报名（每人每次限报1个职业（工种））")
            continue
        facts = Facts(
            age, form.years_in_occupation, form.certificate_level, form.education, form.title
        )
        claim = Claim(form.condition_id, form.ground, form.evidence, form.evidence_sha256)
        outcome = evaluate(content.conditions_for(level), level, facts, claim)
        if isinstance(outcome, str):  # a claim that cannot be judged, not an ineligible person
            refuse("condition_id", outcome)
            continue
        if not outcome.eligible:
            assert outcome.reason is not None
            ineligible.append(RowError(row, COLUMN_OF["condition_id"], outcome.reason))
        seen.add(form.person_key)
        registrations.append(
            Registration(
                registration_id=registration_id(plan.plan_id, len(seen)),
                candidate=_candidate(form),
                occupation_code=subject.occupation_code,
                occupation_name=subject.occupation_name,
                work_type=subject.work_type,
                level=level,
                tier=form.tier,
                eligibility=outcome,
                amendment=plan.frozen,
            )
        )
    return Admission(registrations, errors, ineligible)


def enrol(
    plan: Plan, enrolment: Enrolment, registrations: list[Registration], *, batch_id: str
) -> tuple[Enrolment, list[CandidatesRegistered]]:
    """The index with the batch added, and the batch as events of at most 32 registrations."""
    persons = dict(enrolment.persons)
    for registration in registrations:
        subject = plan.content.subject_for(registration.occupation_code, registration.work_type)
        scheme = scheme_for(subject, registration.level) if subject else None
        persons[person_key(registration.candidate.id_type, registration.candidate.id_number)] = (
            EnrolledPerson(
                registration_id=registration.registration_id,
                occupation_code=registration.occupation_code,
                work_type=registration.work_type,
                level=registration.level,
                batch_id=batch_id,
                direct=scheme is not None and scheme.method is AssessmentMethod.DIRECT_RECOGNITION,
                name=registration.candidate.name,
                eligible=registration.eligibility.eligible,
            )
        )
    size = MAX_REGISTRATIONS_PER_EVENT
    parts = [registrations[i : i + size] for i in range(0, len(registrations), size)]
    events = [
        CandidatesRegistered(
            uscc=plan.uscc,
            plan_id=plan.plan_id,
            batch_id=batch_id,
            part=index,
            parts=len(parts),
            registrations=tuple(part),
        )
        for index, part in enumerate(parts)
    ]
    updated = enrolment.model_copy(
        update={"persons": persons, "batches": (*enrolment.batches, batch_id)}
    )
    return updated, events
