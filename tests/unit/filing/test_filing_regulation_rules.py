"""The pure rules behind issue #13's review points: the six 自主评价条件, the recorded
institution serial and its history entry, who may file in Qingdao, and 准入类 occupations."""

from __future__ import annotations

from datetime import date

import pytest

from skilleval_filing.actors import Caller
from skilleval_filing.catalog.access import (
    DEFAULT,
    AccessOccupations,
    ensure_no_access_occupations,
)
from skilleval_filing.filings import commands as c
from skilleval_filing.filings import decisions
from skilleval_filing.filings.conditions import (
    Condition,
    checked_conditions,
    require_all_met,
    unmet_remarks,
)
from skilleval_filing.filings.jurisdiction import (
    ensure_registered_here,
    jurisdiction_view,
    registered_in_qingdao,
)
from skilleval_filing.filings.lifecycle import Actor, FilingState
from skilleval_filing.filings.model import FilingRecord
from skilleval_filing.filings.receipt import issue_receipt
from skilleval_filing.filings.submission import check_submission
from skilleval_shared.domain_errors import InvalidRequest, NotPermitted
from skilleval_shared.events import filing as s
from skilleval_shared.events.filing_parts import Affiliation
from skilleval_shared.validation import uscc_check_char
from support.filing_samples import (
    ALL_MET,
    complete_record,
    conditions,
    filed_record,
    row,
)
from support.samples import ELSEWHERE_USCC, USCC, qingdao_uscc

CITY = Caller(Actor.CITY_CENTER, "staff:wang")
PROVINCE = Caller(Actor.PROVINCE_CENTER, "staff:province")
ON = date(2026, 9, 30)


def submitted() -> FilingRecord:
    return decisions.decide(complete_record(), c.Submit(), Caller(Actor.ENTERPRISE, USCC)).record


# --- the six conditions ------------------------------------------------------------------


def test_the_six_conditions_follow_the_regulations_order_and_names() -> None:
    assert [(c_.number, c_.label) for c_ in Condition] == [
        (1, "纳税与社保"),
        (2, "规章制度"),
        (3, "技能含量"),
        (4, "职工教育经费"),
        (5, "评价机构与场地设备"),
        (6, "技能与薪酬挂钩"),
    ]
    assert set(s.ENTERPRISE_CONDITIONS) == {c_.value for c_ in Condition}


def test_findings_must_cover_each_condition_once() -> None:
    assert checked_conditions((), required=False) == ()
    with pytest.raises(InvalidRequest, match="尚缺：“纳税与社保”、“规章制度”"):
        checked_conditions((), required=True)
    with pytest.raises(InvalidRequest, match="重复填写：“技能含量”"):
        checked_conditions((*ALL_MET, ALL_MET[2]), required=True)
    shuffled = tuple(reversed(ALL_MET))
    assert checked_conditions(shuffled, required=True) == ALL_MET


def test_only_all_six_met_pass_and_unmet_ones_become_remarks() -> None:
    require_all_met(ALL_MET)
    unmet = conditions("education_funds")
    with pytest.raises(InvalidRequest, match="自主评价条件“职工教育经费”不符合"):
        require_all_met(unmet)
    [remark] = unmet_remarks(unmet)
    assert remark.item == "condition:education_funds"
    assert remark.text.startswith("自主评价条件“职工教育经费”不符合：")


def test_acceptance_without_all_six_met_changes_nothing() -> None:
    record = submitted()
    for given in ((), conditions("pay_linked")):
        with pytest.raises(InvalidRequest):
            decisions.decide(record, c.AcceptForNotice(ON, conditions=given), CITY)
    decision = decisions.decide(record, c.AcceptForNotice(ON, conditions=ALL_MET), CITY)
    assert decision.filing.state is FilingState.ON_NOTICE
    assert decision.filing.conditions == ALL_MET
    reviewed = decision.events[0]
    assert isinstance(reviewed, s.FilingConditionsReviewed)
    assert [f.met for f in reviewed.findings] == [True] * 6
    assert decision.filing.history[-1].findings == ALL_MET


def test_a_return_with_unmet_conditions_needs_no_other_remark() -> None:
    decision = decisions.decide(
        submitted(), c.ReturnForChanges((), conditions("skill_content"), on=ON), CITY
    )
    assert [r.item for r in decision.filing.return_remarks] == ["condition:skill_content"]
    returned = decision.events[-1]
    assert isinstance(returned, s.FilingReturned)
    assert returned.remarks[0].item == "condition:skill_content"
    assert decision.filing.history[-1].on == ON
    with pytest.raises(InvalidRequest, match="须逐条列明修改意见"):
        decisions.decide(submitted(), c.ReturnForChanges((), ALL_MET), CITY)


def test_the_conditions_event_refuses_a_list_that_is_not_the_six() -> None:
    finding = s.ConditionFinding(condition="pay_linked", met=True, remark="符合")
    with pytest.raises(ValueError, match="each of the six conditions"):
        s.FilingConditionsReviewed(
            uscc=USCC, filing_id="F-1", decided_by="staff:wang", findings=(finding,) * 6
        )


# --- the institution serial --------------------------------------------------------------


def test_the_province_or_city_records_the_serial_and_the_receipt_follows() -> None:
    pending = filed_record(serial_recorded=False)
    assert pending.filing.receipt is not None
    assert pending.filing.receipt.certificate_number_prefix is None

    decision = decisions.decide(pending, c.RecordInstitutionSerial("370001", on=ON), PROVINCE)

    assert decision.filing.institution_serial == "370001"
    assert decision.filing.receipt is not None
    assert decision.filing.receipt.certificate_number_prefix == "Y000037370001"
    assert decision.events == (
        s.InstitutionSerialRecorded(
            uscc=USCC,
            filing_id=pending.filing_id,
            decided_by="staff:province",
            institution_serial="370001",
        ),
    )
    entry = decision.filing.history[-1]
    assert (entry.action_label, entry.actor_label, entry.by, entry.on) == (
        "登记机构序号",
        "省职业技能鉴定指导中心",
        "staff:province",
        ON,
    )


def test_a_serial_that_is_not_six_digits_is_refused_and_the_enterprise_may_not_record_it() -> None:
    pending = filed_record(serial_recorded=False)
    with pytest.raises(InvalidRequest, match="机构序号应为6位数字"):
        decisions.decide(pending, c.RecordInstitutionSerial("37001"), CITY)
    with pytest.raises(NotPermitted):
        decisions.decide(
            pending, c.RecordInstitutionSerial("370001"), Caller(Actor.ENTERPRISE, USCC)
        )


def test_a_serial_recorded_during_the_notice_is_on_the_receipt_and_the_filed_event() -> None:
    on_notice = decisions.decide(submitted(), c.AcceptForNotice(ON, conditions=ALL_MET), CITY)
    with_serial = decisions.decide(on_notice.record, c.RecordInstitutionSerial("370002"), CITY)
    receipt = issue_receipt(issued_on=date(2026, 12, 1), receipt_sequence=3)
    filed = decisions.decide(
        with_serial.record, c.EndNotice(date(2026, 12, 1), receipt), Caller(Actor.SYSTEM)
    )
    assert filed.filing.receipt is not None
    assert filed.filing.receipt.institution_serial == "370002"
    filed_event = filed.events[-1]
    assert isinstance(filed_event, s.FilingFiled)
    assert filed_event.institution_serial == "370002"


# --- who may file here -------------------------------------------------------------------


def test_only_enterprises_registered_in_qingdao_file_here() -> None:
    assert registered_in_qingdao(USCC)
    assert registered_in_qingdao(qingdao_uscc(5, district="81"))  # 胶州市 370281
    first17 = "91370100MA0000001"  # 济南
    jinan = first17 + uscc_check_char(first17)
    for elsewhere in (ELSEWHERE_USCC, jinan):
        assert not registered_in_qingdao(elsewhere)
        with pytest.raises(NotPermitted, match="请向注册地人力资源社会保障部门"):
            ensure_registered_here(elsewhere)
    with pytest.raises(NotPermitted, match="不在青岛市行政区域内"):
        check_submission(
            uscc=jinan,
            application=complete_record().application,
            uploaded_materials=(),
            catalog=None,
        )


def test_the_route_says_where_the_filing_belongs() -> None:
    assert jurisdiction_view(None)["note"] == "尚未填写隶属关系"
    assert jurisdiction_view(Affiliation.LOCAL) == {
        "affiliation": "市属、区属及其他企业",
        "filed_with": "青岛市职业技能鉴定中心",
        "note": None,
    }
    assert "省职业技能鉴定指导中心" in jurisdiction_view(Affiliation.PROVINCIAL)["filed_with"]
    assert "人力资源社会保障部" in jurisdiction_view(Affiliation.CENTRAL)["note"]


# --- 准入类 occupations --------------------------------------------------------------------


def test_access_type_occupations_are_found_by_name_work_type_or_code() -> None:
    configured = AccessOccupations.parse("# 准入类\n轨道列车司机\n4-07-05-04  # 消防设施操作员\n\n")
    assert configured.names == {"轨道列车司机"}
    assert configured.codes == {"4-07-05-04"}
    train = row(occupation_name="轨道列车司机", occupation_code="4-02-01-01")
    by_code = row(occupation_name="消防设施操作员", occupation_code="4-07-05-04")
    by_work_type = row(
        occupation_name="运动员", occupation_code="4-13-04-02", work_type="游泳救生员"
    )
    assert configured.matches(train) == "轨道列车司机"
    assert configured.matches(by_code) == "4-07-05-04"
    assert DEFAULT.matches(by_work_type) == "游泳救生员"
    assert DEFAULT.matches(row()) is None  # 车工 is a skill occupation anyone may evaluate


def test_access_type_rows_are_refused_by_row_number() -> None:
    rows = (row(), row(occupation_name="森林消防员", occupation_code="3-02-03-02"))
    with pytest.raises(InvalidRequest) as caught:
        ensure_no_access_occupations(rows, DEFAULT)
    assert caught.value.errors == [
        {
            "field": "rows[1]",
            "message": "第2行：“森林消防员”属于准入类职业资格，不能纳入企业技能人才自主评价",
        }
    ]
    # Rows outside ``checked`` (kept unchanged by a catalog change) are not held against it.
    ensure_no_access_occupations(rows, DEFAULT, checked=rows[:1])
