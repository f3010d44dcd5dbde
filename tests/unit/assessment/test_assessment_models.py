"""Assessment's domain rules: identity from the ID number, eligibility, staffing, scoring."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from skilleval_assessment.candidates.eligibility import Claim, Facts, evaluate
from skilleval_assessment.candidates.model import CandidateForm
from skilleval_assessment.enterprises.model import Offering, ensure_may_evaluate
from skilleval_assessment.plans.model import content_problems
from skilleval_assessment.plans.staffing import StaffingRules, staffing_problems
from skilleval_assessment.plans.templates import default_conditions, default_scheme
from skilleval_assessment.results.model import ResultInput, judge
from skilleval_assessment.rosters.model import HEADERS
from skilleval_shared.domain_errors import NotPermitted
from skilleval_shared.events.assessment_parts import (
    AssessmentMethod,
    EligibilityOutcome,
    EligibilityTemplate,
    RoomKind,
)
from support.assessment_samples import candidate, institution, plan_content, resident_id

LATHE_4 = Offering(
    occupation_code="6-18-01-01", occupation_name="车工", work_type="数控车工", level=4
)


def test_birth_date_and_sex_come_from_the_id_number() -> None:
    form = CandidateForm.model_validate(candidate(1))
    assert form.birth_date == date(1990, 5, 17)
    assert form.gender == "男"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id_number": resident_id(1)[:-1] + "0"}, "校验位"),
        ({"birth_date": "1991-05-17"}, "出生日期与身份证号码不一致"),
        ({"gender": "女"}, "性别与身份证号码不一致"),
    ],
)
def test_an_inconsistent_identity_is_refused(change: dict[str, str], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        CandidateForm.model_validate(candidate(1, **change))


def test_conditions_are_met_in_order_and_recorded() -> None:
    conditions = list(default_conditions(EligibilityTemplate.NATIONAL_2018, frozenset({4})))
    facts = Facts(age=30, years=5, certificate_level=5, education=None, title=None)
    assert evaluate(conditions, 4, facts, Claim()) == EligibilityOutcome(condition_id="2018-4-1")
    newcomer = Facts(age=30, years=2, certificate_level=None, education=None, title=None)
    assert "不符合四级/中级工申报条件" in str(evaluate(conditions, 4, newcomer, Claim()))


def test_an_exceptional_claim_needs_its_ground_and_evidence() -> None:
    content = plan_content()
    conditions = content.conditions_for(4)
    facts = Facts(age=22, years=1, certificate_level=None, education=None, title=None)
    bare = evaluate(conditions, 4, facts, Claim(condition_id="x-4"))
    assert bare == "破格申报须填写申报理由及证明材料"
    claim = Claim(condition_id="x-4", ground="市级竞赛第二名", evidence="获奖证书编号123")
    outcome = evaluate(conditions, 4, facts, claim)
    assert isinstance(outcome, EligibilityOutcome)
    assert outcome.exceptional and outcome.ground == "市级竞赛第二名"


def test_a_suspended_enterprise_or_an_unfiled_level_cannot_evaluate() -> None:
    with pytest.raises(NotPermitted, match="暂停"):
        ensure_may_evaluate(institution(status="suspended"), [LATHE_4])
    with pytest.raises(NotPermitted, match="不在企业备案的评价职业"):
        ensure_may_evaluate(institution(), [LATHE_4.model_copy(update={"level": 1})])
    with pytest.raises(NotPermitted, match="委托评价协议"):
        ensure_may_evaluate(institution(), [LATHE_4], entrustment_id="e-1", client_uscc="x")
    ensure_may_evaluate(institution(), [LATHE_4])


def test_staffing_ratios_are_checked() -> None:
    content = plan_content()
    assert staffing_problems(content.rooms, content.staff, StaffingRules(), {}) == []
    short = tuple(person for person in content.staff if person.name != "考评2")
    problems = staffing_problems(content.rooms, short, StaffingRules(), {RoomKind.THEORY: 40})
    assert "实操考场“实操一室”至少需要3名考评人员" in problems
    assert "理论考场座位（30）少于参加考核人数（40）" in problems


def test_a_complete_plan_has_no_content_problems_and_levels_two_need_review() -> None:
    assert content_problems(plan_content()) == []
    scheme = default_scheme(AssessmentMethod.EXAMINATION, 2)
    assert scheme is not None
    assert [c.name for c in scheme.components] == ["理论知识", "操作技能", "综合评审"]


def test_each_component_must_reach_its_pass_mark() -> None:
    scheme = default_scheme(AssessmentMethod.EXAMINATION, 4)
    assert scheme is not None
    base = {"registration_id": "r", "evaluated_on": date(2026, 1, 5), "examiners": ("王五",)}
    passed = judge(scheme, ResultInput(**base, scores={"理论知识": 60, "操作技能": 90}))
    failed = judge(scheme, ResultInput(**base, scores={"理论知识": 59.5, "操作技能": 99}))
    missing = judge(scheme, ResultInput(**base, scores={"理论知识": 80}))
    assert not isinstance(passed, str) and passed[2] is True
    assert not isinstance(failed, str) and failed[2] is False
    assert missing == "缺少成绩：操作技能"
    direct = default_scheme(AssessmentMethod.DIRECT_RECOGNITION, 3)
    assert direct is not None
    assert "证明材料" in str(judge(direct, ResultInput(**base)))


def test_the_roster_has_the_21_official_columns() -> None:
    assert HEADERS[0] == "序号" and HEADERS[-1] == "发证日期" and len(HEADERS) == 21


def test_reading_a_sheet_reports_rows_read_so_far() -> None:
    from skilleval_assessment.candidates import sheets
    from support.assessment_samples import candidates_sheet

    seen: list[int] = []
    forms, bad = sheets.read(candidates_sheet(1100, spoilt=False), "xlsx", seen.append)
    assert len(forms) == 1100 and not bad
    assert seen == [498, 998]  # data rows read before sheet rows 500 and 1000
