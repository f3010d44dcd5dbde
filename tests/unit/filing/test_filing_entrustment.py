from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from skilleval_filing.entrustments.model import (
    Entrustment,
    outside_catalog,
    review_entrustment,
    submit_entrustment,
)
from skilleval_filing.filings.lifecycle import Actor, FilingState
from skilleval_filing.review import ReviewState
from skilleval_shared.domain_errors import IllegalTransition, InvalidRequest, NotPermitted
from skilleval_shared.validation import SkillLevel
from support.filing_samples import OTHER_USCC, THIRD_USCC, USCC, catalog, row
from support.filing_samples import entrustment_agreement as agreement

TODAY = date(2026, 11, 2)


def submit(**overrides: Any) -> Entrustment:
    fields: dict[str, Any] = {
        "entrustment_id": "E-1",
        "agreement": agreement(),
        "trustee_uscc": USCC,
        "trustee_state": FilingState.FILED,
        "trustee_catalog": catalog(),
        "client_state": None,
        "actor": Actor.ENTERPRISE,
        "on": TODAY,
    }
    return submit_entrustment(**(fields | overrides))


def review(entrustment: Entrustment, **overrides: Any) -> Entrustment:
    fields: dict[str, Any] = {
        "trustee_state": FilingState.FILED,
        "trustee_catalog": catalog(),
        "client_state": FilingState.FILED,
        "actor": Actor.CITY_CENTER,
        "accept": True,
        "on": TODAY,
        "plan_filed": True,
    }
    return review_entrustment(entrustment, **(fields | overrides))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"client_uscc": USCC}, "委托方与受托方不能是同一企业"),
        ({"valid_until": date(2026, 11, 1)}, "开始日期应早于结束日期"),
        ({"scope": []}, "至少应包含一个职业"),
        ({"client_uscc": "91350100M000100Y44"}, "统一社会信用代码校验位错误"),
        ({"agreement_sha256": "xyz"}, "文件摘要编号"),
        (
            {"scope": [{"occupation_code": "6-18-02-04", "levels": "5"}] * 2},
            "委托评价范围中职业编码“6-18-02-04”（无工种）重复",
        ),
    ],
)
def test_bad_agreements_are_refused(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        agreement(**overrides)


def test_a_filed_trustee_submits_an_agreement_within_its_catalog() -> None:
    entrustment = submit()

    assert entrustment.review.state is ReviewState.SUBMITTED
    assert not entrustment.is_usable_on(TODAY)


def test_scope_outside_the_trustees_catalog_is_listed() -> None:
    scope = [
        {"occupation_code": "6-18-01-01", "work_type": "数控车工", "levels": "5、4、3、2"},
        {"occupation_code": "4-01-02-03", "levels": "5"},
    ]

    problems = outside_catalog(agreement(scope=scope), catalog())

    assert problems == [
        "职业编码“6-18-01-01”工种“数控车工”的级别2不在受托方备案范围内",
        "职业编码“4-01-02-03”（无工种）不在受托方备案目录中",
    ]
    with pytest.raises(InvalidRequest, match="委托评价范围超出受托方备案目录"):
        submit(agreement=agreement(scope=scope))


@pytest.mark.parametrize(
    ("overrides", "error", "message"),
    [
        ({"actor": Actor.PUBLIC}, NotPermitted, "“社会公众”无权提交委托评价协议"),
        ({"trustee_state": FilingState.ON_NOTICE}, IllegalTransition, "备案状态为“公示中”"),
        ({"trustee_uscc": THIRD_USCC}, InvalidRequest, "受托方须为提交协议的备案企业本身"),
        ({"on": date(2027, 11, 1)}, InvalidRequest, "委托评价协议已过有效期"),
    ],
)
def test_submission_is_checked(
    overrides: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        submit(**overrides)


def test_an_accepted_agreement_is_usable_within_its_validity_and_scope() -> None:
    accepted = review(submit())

    assert accepted.review.state is ReviewState.ACCEPTED
    assert accepted.is_usable_on(date(2027, 10, 31))
    assert not accepted.is_usable_on(date(2027, 11, 1))
    assert not accepted.is_usable_on(date(2026, 10, 31))
    assert accepted.covers("6-18-01-01", "数控车工", SkillLevel(4), TODAY)
    assert not accepted.covers("6-18-01-01", "数控车工", SkillLevel(3), TODAY)
    assert not accepted.covers("6-18-02-04", None, SkillLevel(5), TODAY)


def test_a_rejected_agreement_is_never_usable_and_says_why() -> None:
    rejected = review(submit(), accept=False, reason="协议未盖章")

    assert rejected.review.state is ReviewState.REJECTED
    assert rejected.review.reason == "协议未盖章"
    assert not rejected.covers("6-18-01-01", "数控车工", SkillLevel(4), TODAY)


def test_review_rechecks_the_trustee() -> None:
    shrunk = catalog(row(levels="5"))

    with pytest.raises(InvalidRequest, match="级别4不在受托方备案范围内"):
        review(submit(), trustee_catalog=shrunk)
    with pytest.raises(IllegalTransition, match="受托方备案状态为“暂停评价”，不能通过委托评价协议"):
        review(submit(), trustee_state=FilingState.SUSPENDED)
    assert review(submit(), trustee_catalog=shrunk, accept=False, reason="超范围").review.reason


CLIENT_NOT_IN_GOOD_STANDING = [
    (FilingState.SUSPENDED, "委托方已暂停评价"),
    (FilingState.REVOKED, "委托方已被取消评价资质"),
    (FilingState.LAPSED, "委托方备案已失效"),
]


@pytest.mark.parametrize(("client_state", "why"), CLIENT_NOT_IN_GOOD_STANDING)
def test_a_client_not_in_good_standing_can_neither_submit_nor_be_accepted(
    client_state: FilingState, why: str
) -> None:
    with pytest.raises(IllegalTransition, match=f"^{why}，不能提交委托评价协议$"):
        submit(client_state=client_state)
    with pytest.raises(IllegalTransition, match=f"^{why}，不能通过委托评价协议$"):
        review(submit(), client_state=client_state)
    # A rejection needs nothing from the client.
    rejected = review(submit(), client_state=client_state, accept=False, reason="委托方不合格")
    assert rejected.review.state is ReviewState.REJECTED


@pytest.mark.parametrize(
    "client_state",
    [None, FilingState.DRAFT, FilingState.SUBMITTED, FilingState.REJECTED, FilingState.FILED],
)
def test_a_client_without_a_sanction_may_enter_an_agreement(
    client_state: FilingState | None,
) -> None:
    """委托方 entrusts precisely because it need not evaluate itself: no filing is fine."""
    accepted = review(submit(client_state=client_state), client_state=client_state)

    assert accepted.review.state is ReviewState.ACCEPTED


def test_only_staff_review_and_only_once() -> None:
    with pytest.raises(NotPermitted, match="“省职业技能鉴定指导中心”无权审核委托评价协议"):
        review(submit(), actor=Actor.PROVINCE_CENTER)
    with pytest.raises(IllegalTransition, match="委托评价协议当前状态为“已通过”"):
        review(review(submit()))


def test_no_agreement_is_accepted_without_its_evaluation_plan() -> None:
    with pytest.raises(IllegalTransition, match="尚未上传评价实施方案"):
        review(submit(), plan_filed=False)
    assert review(submit(), plan_filed=False, accept=False, reason="材料不全").review.reason


def test_a_suspended_agreement_is_not_usable_until_resumed() -> None:
    accepted = review(submit())
    suspended = accepted.suspended_for(OTHER_USCC, reason="委托方已暂停评价", on=TODAY)
    assert suspended is not None and not suspended.is_usable_on(TODAY)
    assert suspended.suspended_for(OTHER_USCC, reason="again", on=TODAY) is None
    rejected = review(submit(), accept=False, reason="材料不全")
    assert rejected.suspended_for(OTHER_USCC, reason="not in force", on=TODAY) is None
    resumed = suspended.resumed_for(OTHER_USCC)
    assert resumed is not None and resumed.is_usable_on(TODAY)
    assert resumed.resumed_for(OTHER_USCC) is None


def test_a_submitted_agreement_holds_a_partys_suspension_and_is_not_accepted_meanwhile() -> None:
    """The party's suspension reached the agreement before the reviewer's acceptance did (the
    reviewer had read the party's filing as in good standing): acceptance is refused, on what
    the agreement itself now holds, until the party is reinstated."""
    held = submit().suspended_for(OTHER_USCC, reason="委托方已暂停评价", on=TODAY)
    assert held is not None
    with pytest.raises(IllegalTransition, match="委托方已暂停评价，不能通过"):
        review(held)
    assert review(held, accept=False, reason="委托方暂停").review.reason  # rejecting is allowed
    resumed = held.resumed_for(OTHER_USCC)
    assert resumed is not None and review(resumed).is_usable_on(TODAY)
