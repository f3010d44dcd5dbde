"""The six 自主评价条件 (青人社发〔2020〕7号 三（一）) the city centre checks when it reviews a
filing: for each, 符合 or 不符合 and a remark. Accepting a filing for public notice needs all six
met; a return or rejection carries the unmet ones as itemised remarks."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from skilleval_filing.filings.remarks import Remark
from skilleval_shared.domain_errors import InvalidRequest
from skilleval_shared.events.filing import ENTERPRISE_CONDITIONS
from skilleval_shared.fields import bounded_text


class Condition(StrEnum):
    """In the regulation's order; the values are the shared events' condition codes."""

    TAX_AND_SOCIAL_SECURITY = "tax_and_social_security"
    PERSONNEL_RULES = "personnel_rules"
    SKILL_CONTENT = "skill_content"
    EDUCATION_FUNDS = "education_funds"
    EVALUATION_BODY = "evaluation_body"
    PAY_LINKED = "pay_linked"

    @property
    def number(self) -> int:
        return list(Condition).index(self) + 1

    @property
    def label(self) -> str:
        """The short name reviewers use, e.g. 纳税与社保."""
        return _SHORT_LABELS[self]

    @property
    def text(self) -> str:
        """The condition as the regulation states it."""
        return ENTERPRISE_CONDITIONS[self.value]


_SHORT_LABELS = {
    Condition.TAX_AND_SOCIAL_SECURITY: "纳税与社保",
    Condition.PERSONNEL_RULES: "规章制度",
    Condition.SKILL_CONTENT: "技能含量",
    Condition.EDUCATION_FUNDS: "职工教育经费",
    Condition.EVALUATION_BODY: "评价机构与场地设备",
    Condition.PAY_LINKED: "技能与薪酬挂钩",
}
MET, NOT_MET = "符合", "不符合"


class ConditionCheck(BaseModel):
    """The reviewer's finding on one condition."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    condition: Condition = Field(title="自主评价条件")
    met: bool = Field(title="是否符合（true 符合，false 不符合）")
    remark: Annotated[str, AfterValidator(bounded_text(500, multiline=True))] = Field(
        title="审核意见"
    )

    @property
    def verdict(self) -> str:
        return MET if self.met else NOT_MET


def checked_conditions(
    checks: Sequence[ConditionCheck], *, required: bool
) -> tuple[ConditionCheck, ...]:
    """The findings in the regulation's order: none (when not ``required``) or exactly one per
    condition; otherwise ``InvalidRequest`` naming what is missing or repeated."""
    if not checks and not required:
        return ()
    given = [check.condition for check in checks]
    repeated = sorted({c for c in given if given.count(c) > 1}, key=lambda c: c.number)
    missing = [c for c in Condition if c not in given]
    problems = []
    if missing:
        problems.append(f"尚缺：{_names(missing)}")
    if repeated:
        problems.append(f"重复填写：{_names(repeated)}")
    if problems:
        raise InvalidRequest(
            f"须对六项自主评价条件逐项填写审核结论（符合或不符合）和意见，{'；'.join(problems)}",
            errors=[
                {"field": f"conditions.{c.value}", "message": f"未填写“{c.label}”的审核结论"}
                for c in missing
            ]
            + [
                {"field": f"conditions.{c.value}", "message": f"“{c.label}”重复填写"}
                for c in repeated
            ],
        )
    return tuple(sorted(checks, key=lambda check: check.condition.number))


def require_all_met(findings: Sequence[ConditionCheck]) -> None:
    """Acceptance for public notice (评估合格，进入公示) only when every condition is met."""
    unmet = [finding for finding in findings if not finding.met]
    if unmet:
        raise InvalidRequest(
            f"自主评价条件{_names([f.condition for f in unmet])}不符合，"
            "不能评估合格进入公示；请退回修改或决定不予备案",
            errors=[
                {"field": f"conditions.{f.condition.value}", "message": f"{NOT_MET}：{f.remark}"}
                for f in unmet
            ],
        )


def unmet_remarks(findings: Sequence[ConditionCheck]) -> tuple[Remark, ...]:
    """The unmet conditions as itemised remarks of a return or rejection."""
    return tuple(
        Remark(
            item=f"condition:{finding.condition.value}",
            text=f"自主评价条件“{finding.condition.label}”{NOT_MET}：{finding.remark}",
        )
        for finding in findings
        if not finding.met
    )


def summary(findings: Sequence[ConditionCheck]) -> str:
    """One line for the filing's history, e.g. 纳税与社保：符合；规章制度：不符合（…）."""
    return "；".join(
        f"{f.condition.label}：{f.verdict}" + ("" if f.met else f"（{f.remark}）") for f in findings
    )


def _names(conditions: Sequence[Condition]) -> str:
    return "、".join(f"“{c.label}”" for c in conditions)
