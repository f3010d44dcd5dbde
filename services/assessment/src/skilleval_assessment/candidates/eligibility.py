"""资格审核: a candidate's facts against the plan's conditions for one level.

A condition with criteria is met when all of them hold; one without criteria (学徒期满…) and
every 破格 condition is met only when the candidate claims it and gives the ground and evidence.

The outcome is recorded either way: eligible (the condition met) or ineligible (the reason). Only
a claim that cannot be judged (an unknown condition, a 破格 claim without its ground and
evidence) is an input error.
"""

from __future__ import annotations

from dataclasses import dataclass

from skilleval_shared.events.assessment_parts import (
    ConditionCriteria,
    Education,
    EligibilityCondition,
    EligibilityOutcome,
    ProfessionalTitle,
)
from skilleval_shared.validation import SkillLevel

_TITLE_RANK = {
    ProfessionalTitle.JUNIOR: 1,
    ProfessionalTitle.INTERMEDIATE: 2,
    ProfessionalTitle.SENIOR: 3,
}


@dataclass(frozen=True)
class Facts:
    age: int
    years: int
    certificate_level: int | None
    education: Education | None
    title: ProfessionalTitle | None


@dataclass(frozen=True)
class Claim:
    condition_id: str | None = None
    ground: str | None = None
    evidence: str | None = None
    evidence_sha256: str | None = None


def holds(criteria: ConditionCriteria, facts: Facts) -> bool:
    if criteria.min_years is not None and facts.years < criteria.min_years:
        return False
    if criteria.certificate_level is not None and (
        facts.certificate_level is None or facts.certificate_level > criteria.certificate_level
    ):
        return False
    if criteria.educations and facts.education not in criteria.educations:
        return False
    if criteria.title is not None and (
        facts.title is None or _TITLE_RANK[facts.title] < _TITLE_RANK[criteria.title]
    ):
        return False
    return criteria.min_age is None or facts.age >= criteria.min_age


def _checkable(criteria: ConditionCriteria) -> bool:
    return criteria != ConditionCriteria()


def evaluate(
    conditions: list[EligibilityCondition], level: int, facts: Facts, claim: Claim
) -> EligibilityOutcome | str:
    """The outcome (eligible or not, with the reason), or the input error (Chinese)."""
    title = SkillLevel(level).title
    if claim.condition_id:
        return _claimed(conditions, claim, facts, title)
    for condition in conditions:
        checkable = not condition.exceptional and _checkable(condition.criteria)
        if checkable and holds(condition.criteria, facts):
            return EligibilityOutcome(condition_id=condition.condition_id)
    certificate = (
        f"持有{SkillLevel(facts.certificate_level).title}证书"
        if facts.certificate_level
        else "无职业技能等级证书"
    )
    return _ineligible(f"不符合{title}申报条件（从事本职业{facts.years}年，{certificate}）")


def _ineligible(reason: str) -> EligibilityOutcome:
    return EligibilityOutcome(eligible=False, reason=reason)


def _claimed(
    conditions: list[EligibilityCondition], claim: Claim, facts: Facts, title: str
) -> EligibilityOutcome | str:
    condition = next((c for c in conditions if c.condition_id == claim.condition_id), None)
    if condition is None:
        return f"方案中没有{title}的申报条件“{claim.condition_id}”"
    needs_evidence = condition.exceptional or not _checkable(condition.criteria)
    if needs_evidence and not (claim.ground and (claim.evidence or claim.evidence_sha256)):
        kind = "破格申报" if condition.exceptional else "按该条件申报"
        return f"{kind}须填写申报理由及证明材料"
    if not holds(condition.criteria, facts):
        return _ineligible(f"不符合所选申报条件：{condition.text}")
    return EligibilityOutcome(
        condition_id=condition.condition_id,
        exceptional=condition.exceptional,
        ground=claim.ground if needs_evidence else None,
        evidence=claim.evidence if needs_evidence else None,
        evidence_sha256=claim.evidence_sha256 if needs_evidence else None,
    )
