"""成绩: component scores checked against the plan's scheme, pass/fail by its rules, and
corrections that always carry a reason.

The aggregate keeps one small mark per registration (its batch, pass/fail, corrections); the
entries themselves are stored by batch in the chunk store, like the registrations, so entering
10,000 results commits a small state (the entries travel once in the chunks, once in events)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from skilleval_assessment.candidates.model import RowError
from skilleval_assessment.plans.model import Plan, PlanStatus, scheme_for
from skilleval_shared.domain_errors import IllegalTransition, InvalidRequest, NotFound
from skilleval_shared.events.assessment import (
    MAX_RESULTS_PER_EVENT,
    ResultCorrected,
    ResultsRecorded,
)
from skilleval_shared.events.assessment_parts import (
    AssessmentMethod,
    ComponentScore,
    LevelScheme,
    Registration,
    ResultEntry,
)
from skilleval_shared.events.fields import Identifier, Sha256
from skilleval_shared.fields import Clause, Name, TierName

KIND = "results"


class ResultInput(BaseModel):
    """One candidate's scores as entered (or one row of an import)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    registration_id: Identifier
    scores: dict[TierName, float] = Field(default_factory=dict, max_length=6)
    evaluated_on: date
    examiners: tuple[Name, ...] = Field(min_length=1, max_length=5)
    evidence: Clause | None = None
    evidence_sha256: Sha256 | None = None


class ResultMark(BaseModel):
    """Where a registration's current entry is stored, and whether it passed."""

    model_config = ConfigDict(frozen=True)

    batch_id: str
    passed: bool
    corrections: int = 0


class Results(BaseModel):
    model_config = ConfigDict(frozen=True)

    plan_id: str
    uscc: str
    marks: dict[str, ResultMark] = {}
    batches: tuple[str, ...] = ()

    def passed(self, registration_id: str) -> bool:
        mark = self.marks.get(registration_id)
        return mark is not None and mark.passed


@dataclass(frozen=True)
class Enrolled:
    """What a result needs of a registration (read from the enrolment index, one get)."""

    registration_id: str
    name: str
    id_number: str
    occupation_code: str
    work_type: str | None
    level: int
    eligible: bool

    @classmethod
    def of(cls, registration: Registration) -> Enrolled:
        return cls(
            registration.registration_id,
            registration.candidate.name,
            registration.candidate.id_number,
            registration.occupation_code,
            registration.work_type,
            registration.level,
            registration.eligibility.eligible,
        )


@dataclass(frozen=True)
class Recorded:
    results: Results
    entries: list[ResultEntry]
    events: list[ResultsRecorded]
    errors: list[RowError]


def judge(
    scheme: LevelScheme, given: ResultInput
) -> tuple[tuple[ComponentScore, ...], float | None, bool] | str:
    """Scores in scheme order, the weighted total, and pass/fail; or what is wrong (Chinese)."""
    if scheme.method is AssessmentMethod.DIRECT_RECOGNITION:
        if not (given.evidence or given.evidence_sha256):
            return "直接认定须提供竞赛获奖、技术创新或经济效益等证明材料"
        return (), None, True
    names = [component.name for component in scheme.components]
    unknown = sorted(set(given.scores) - set(names))
    if unknown:
        return f"本等级的评价方式没有考核项目：{'、'.join(unknown)}"
    missing = [name for name in names if name not in given.scores]
    if missing:
        return f"缺少成绩：{'、'.join(missing)}"
    for name, score in given.scores.items():
        if not 0 <= score <= 100:
            return f"{name}成绩应在0至100之间"
    scores = tuple(ComponentScore(name=name, score=given.scores[name]) for name in names)
    passed = all(given.scores[c.name] >= c.pass_mark for c in scheme.components)
    weights = [c.weight for c in scheme.components]
    total: float | None = None
    if weights and all(w is not None for w in weights):
        total = round(
            sum((c.weight or 0) * given.scores[c.name] for c in scheme.components) / 100, 2
        )
        passed = passed and total >= scheme.total_pass_mark
    return scores, total, passed


def entry_for(
    plan: Plan, registration: Enrolled, given: ResultInput, *, today: date
) -> ResultEntry | str:
    if given.evaluated_on > today or given.evaluated_on < plan.content.starts_at.date():
        return "评价日期应在方案评价开始之后且不晚于今天"
    subject = plan.content.subject_for(registration.occupation_code, registration.work_type)
    scheme = scheme_for(subject, registration.level) if subject else None
    if scheme is None:
        return "方案未规定该等级的评价方式"
    judged = judge(scheme, given)
    if isinstance(judged, str):
        return judged
    scores, total, passed = judged
    # Every value has been validated already (the input, the registration, the scheme).
    return ResultEntry.model_construct(
        registration_id=registration.registration_id,
        candidate_name=registration.name,
        id_number=registration.id_number,
        occupation_code=registration.occupation_code,
        level=registration.level,
        method=scheme.method,
        scores=scores,
        total=total,
        passed=passed,
        evaluated_on=given.evaluated_on,
        examiners=given.examiners,
        evidence=given.evidence,
        evidence_sha256=given.evidence_sha256,
        corrections=0,
    )


def _ensure_accepted(plan: Plan) -> None:
    if plan.status is not PlanStatus.ACCEPTED:
        raise IllegalTransition("评价考核方案尚未受理，不能登记成绩")


def record(
    plan: Plan,
    results: Results,
    registrations: dict[str, Enrolled],
    inputs: list[tuple[int, ResultInput]],
    *,
    recorded_by: str,
    today: date,
    batch_id: str,
) -> Recorded:
    """The entries of ``inputs`` as one new batch, its events, and every row refused."""
    _ensure_accepted(plan)
    marks = dict(results.marks)
    new: list[ResultEntry] = []
    errors: list[RowError] = []
    for row, given in inputs:
        registration = registrations.get(given.registration_id)
        if registration is None:
            errors.append(RowError(row, "报名编号", "本方案没有该报名编号"))
            continue
        if not registration.eligible:
            errors.append(RowError(row, "报名编号", "该人员资格审核未通过，不能登记成绩"))
            continue
        if given.registration_id in marks:
            errors.append(RowError(row, "报名编号", "成绩已登记，如需更正请提交更正并说明理由"))
            continue
        entry = entry_for(plan, registration, given, today=today)
        if isinstance(entry, str):
            errors.append(RowError(row, "成绩", entry))
            continue
        marks[given.registration_id] = ResultMark(batch_id=batch_id, passed=entry.passed)
        new.append(entry)
    size = MAX_RESULTS_PER_EVENT
    parts = [new[i : i + size] for i in range(0, len(new), size)]
    events = [
        ResultsRecorded.model_construct(
            uscc=plan.uscc,
            plan_id=plan.plan_id,
            recorded_by=recorded_by,
            part=index,
            parts=len(parts),
            results=tuple(part),
        )
        for index, part in enumerate(parts)
    ]
    batches = (*results.batches, batch_id) if new else results.batches
    updated = results.model_copy(update={"marks": marks, "batches": batches})
    return Recorded(updated, new, events, errors)


def correct(
    plan: Plan,
    results: Results,
    registration: Enrolled,
    previous: ResultEntry | None,
    given: ResultInput,
    *,
    reason: str,
    corrected_by: str,
    today: date,
    batch_id: str,
) -> tuple[Results, ResultEntry, ResultCorrected]:
    """``previous``: the registration's current entry (read from its batch)."""
    _ensure_accepted(plan)
    if previous is None or registration.registration_id not in results.marks:
        raise NotFound("该报名人员尚未登记成绩")
    if not reason.strip():
        raise InvalidRequest("更正成绩须说明理由")
    entry = entry_for(plan, registration, given, today=today)
    if isinstance(entry, str):
        raise InvalidRequest(entry)
    entry = entry.model_copy(update={"corrections": previous.corrections + 1})
    event = ResultCorrected(
        uscc=plan.uscc,
        plan_id=plan.plan_id,
        corrected_by=corrected_by,
        reason=reason,
        previous=previous,
        result=entry,
    )
    mark = ResultMark(batch_id=batch_id, passed=entry.passed, corrections=entry.corrections)
    marks = results.marks | {registration.registration_id: mark}
    batches = (*results.batches, batch_id)
    return results.model_copy(update={"marks": marks, "batches": batches}), entry, event
