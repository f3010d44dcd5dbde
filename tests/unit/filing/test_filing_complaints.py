from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from skilleval_filing.complaints.model import (
    Complaint,
    ComplaintForm,
    ComplaintKind,
    ComplaintOutcome,
    ComplaintState,
    receive_complaint,
    resolve_complaint,
    start_handling,
)
from skilleval_filing.filings.lifecycle import Actor
from skilleval_shared.domain_errors import IllegalTransition, InvalidRequest, NotPermitted
from support.filing_samples import USCC

TODAY = date(2026, 11, 5)


def form(**overrides: Any) -> ComplaintForm:
    fields: dict[str, Any] = {
        "contact_email": "citizen@example.com",
        "target_uscc": USCC,
        "text": "该企业为未参加考核的人员发放证书",
    }
    return ComplaintForm.model_validate(fields | overrides)


def received() -> Complaint:
    return receive_complaint("P-1", form(), TODAY)


def test_an_anonymous_complaint_with_a_way_to_reply_is_received() -> None:
    complaint = received()

    assert complaint.state is ComplaintState.RECEIVED
    assert complaint.form.submitter_name is None
    assert complaint.form.kind is ComplaintKind.COMPLAINT


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"contact_email": None}, "请至少留下联系电话或电子邮箱中的一项"),
        ({"text": "字" * 2001}, "不能超过2000个字"),
        ({"text": " "}, "不能为空"),
        ({"target_uscc": "123"}, "统一社会信用代码应为18位"),
        ({"contact_phone": "12"}, "联系电话格式不正确"),
        ({"certificate_number": "Y12"}, "证书编号应为1位大写字母Y或S加21位数字"),
    ],
)
def test_bad_complaints_are_refused(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        form(**overrides)


def test_a_report_may_name_a_certificate_and_a_phone() -> None:
    report = form(
        kind="report",
        contact_email=None,
        contact_phone="13800138000",
        certificate_number="y000037000123265000001",
    )

    assert report.kind is ComplaintKind.REPORT
    assert report.certificate_number == "Y000037000123265000001"


def test_staff_handle_then_resolve_with_a_result() -> None:
    handling = start_handling(received(), actor=Actor.CITY_CENTER)
    resolved = resolve_complaint(
        handling,
        actor=Actor.ADMIN,
        outcome=ComplaintOutcome.SUBSTANTIATED,
        resolution="经核实属实，已记入失信记录",
        on=TODAY,
    )

    assert handling.state is ComplaintState.HANDLING
    assert resolved.state is ComplaintState.RESOLVED
    assert (resolved.outcome, resolved.resolved_on) == (ComplaintOutcome.SUBSTANTIATED, TODAY)
    assert resolved.resolution == "经核实属实，已记入失信记录"


def test_resolving_needs_a_result() -> None:
    handling = start_handling(received(), actor=Actor.CITY_CENTER)

    with pytest.raises(InvalidRequest, match="处理结果不能为空"):
        resolve_complaint(
            handling,
            actor=Actor.ADMIN,
            outcome=ComplaintOutcome.UNSUBSTANTIATED,
            resolution=" ",
            on=TODAY,
        )


@pytest.mark.parametrize("actor", [Actor.ENTERPRISE, Actor.PUBLIC, Actor.PROVINCE_CENTER])
def test_only_staff_handle_complaints(actor: Actor) -> None:
    with pytest.raises(NotPermitted, match=f"“{actor.label}”无权开始核实处理"):
        start_handling(received(), actor=actor)


def test_complaints_move_only_forward() -> None:
    resolve: dict[str, Any] = {
        "actor": Actor.ADMIN,
        "outcome": ComplaintOutcome.UNSUBSTANTIATED,
        "resolution": "不属实",
        "on": TODAY,
    }

    with pytest.raises(IllegalTransition, match="投诉当前状态为“已受理”，不能办结投诉"):
        resolve_complaint(received(), **resolve)
    resolved = resolve_complaint(start_handling(received(), actor=Actor.ADMIN), **resolve)
    with pytest.raises(IllegalTransition, match="投诉当前状态为“已办结”，不能开始核实处理"):
        start_handling(resolved, actor=Actor.ADMIN)
