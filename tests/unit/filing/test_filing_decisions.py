from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from skilleval_filing import event_parts
from skilleval_filing.actors import Caller
from skilleval_filing.filings import commands as c
from skilleval_filing.filings import decisions
from skilleval_filing.filings.decisions import Decision
from skilleval_filing.filings.lifecycle import TRANSITIONS, Actor, FilingState
from skilleval_filing.filings.materials import MaterialKind
from skilleval_filing.filings.model import FilingRecord, ObjectionStatus
from skilleval_filing.filings.notice_calendar import NoticeCalendar
from skilleval_filing.filings.receipt import issue_receipt
from skilleval_filing.filings.remarks import Remark
from skilleval_filing.filings.submission import IncompleteFiling
from skilleval_shared.domain_errors import IllegalTransition, InvalidRequest, NotPermitted
from skilleval_shared.events import filing as s
from support.filing_samples import (
    ALL_MET,
    OTHER_USCC,
    USCC,
    complete_draft,
    complete_record,
    uploaded,
)

# Representative configured holidays (not law): National Day week 2026.
CALENDAR = NoticeCalendar(
    holidays={date(2026, 10, d) for d in (1, 2, 5, 6, 7)}, extra_workdays={date(2026, 10, 10)}
)
ACCEPTED_ON = date(2026, 9, 30)
LAST_NOTICE_DAY = date(2026, 10, 13)
AFTER_NOTICE = date(2026, 10, 14)
# As allocated at the end of the notice: the number only; the serial comes from the province.
RECEIPT = issue_receipt(issued_on=AFTER_NOTICE, receipt_sequence=1)
SERIAL = c.RecordInstitutionSerial("000042")
SUBMIT = c.Submit()
STAFF_ACCOUNT = "staff:wang"
REMARK = Remark(item="material:4", text="破格申报条件未写明工作年限要求")
CITY = Actor.CITY_CENTER


def decide(record: FilingRecord, command: c.Command, actor: Actor) -> Decision:
    """``decisions.decide`` for a caller of ``actor``: the enterprise itself, one staff
    account, or nobody in particular (the public, the system)."""
    account = {Actor.ENTERPRISE: USCC, Actor.PUBLIC: None, Actor.SYSTEM: None}
    return decisions.decide(record, command, Caller(actor, account.get(actor, STAFF_ACCOUNT)))


def run(record: FilingRecord, command: c.Command, actor: Actor) -> FilingRecord:
    return decide(record, command, actor).record


def draft() -> FilingRecord:
    return complete_record()


IDS = {"filing_id": "F-1", "uscc": USCC}
DECIDED = {**IDS, "decided_by": STAFF_ACCOUNT}


def submitted() -> FilingRecord:
    return run(draft(), SUBMIT, Actor.ENTERPRISE)


def returned() -> FilingRecord:
    return run(submitted(), c.ReturnForChanges((REMARK,)), CITY)


def on_notice() -> FilingRecord:
    return run(submitted(), c.AcceptForNotice(ACCEPTED_ON, CALENDAR, conditions=ALL_MET), CITY)


def objection(objection_id: str = "O-1", on: date = date(2026, 10, 9)) -> c.RaiseObjection:
    return c.RaiseObjection(objection_id, on, "该企业考评人员不足", "someone@example.com", "赵六")


def rejected() -> FilingRecord:
    return run(submitted(), c.Reject("不具备评价条件"), CITY)


def filed() -> FilingRecord:
    return run(on_notice(), c.EndNotice(AFTER_NOTICE, RECEIPT), Actor.SYSTEM)


def suspended() -> FilingRecord:
    return run(filed(), c.Suspend("考评人员资质不符合要求"), CITY)


def revoked() -> FilingRecord:
    return run(filed(), c.Revoke("违规发证"), CITY)


VALID_UNTIL = date(2029, 10, 13)
LAPSE = c.Lapse(today=date(2029, 10, 14), valid_until=VALID_UNTIL)


def lapsed() -> FilingRecord:
    return run(filed(), LAPSE, Actor.SYSTEM)


IN_STATE: dict[FilingState, Callable[[], FilingRecord]] = {
    FilingState.DRAFT: draft,
    FilingState.SUBMITTED: submitted,
    FilingState.RETURNED: returned,
    FilingState.ON_NOTICE: on_notice,
    FilingState.REJECTED: rejected,
    FilingState.FILED: filed,
    FilingState.SUSPENDED: suspended,
    FilingState.REVOKED: revoked,
    FilingState.LAPSED: lapsed,
}
# One valid command per action, with a role allowed to give it.
SAMPLES: list[tuple[c.Command, Actor]] = [
    (SUBMIT, Actor.ENTERPRISE),
    (c.Resubmit(), Actor.ENTERPRISE),
    (c.ReturnForChanges((REMARK,)), CITY),
    (c.AcceptForNotice(ACCEPTED_ON, CALENDAR, conditions=ALL_MET), CITY),
    (c.Reject("不具备评价条件"), Actor.ADMIN),
    (objection(), Actor.PUBLIC),
    (c.ResolveObjection("O-1", upheld=False, reason="不属实", resolved_on=AFTER_NOTICE), CITY),
    (c.EndNotice(AFTER_NOTICE, RECEIPT), Actor.SYSTEM),
    (c.Suspend("整改"), CITY),
    (c.Reinstate("整改完成"), CITY),
    (c.Revoke("违规"), Actor.ADMIN),
    (c.AssignInstitutionCode("0123"), CITY),
    (c.EndSuspension(date(2027, 1, 1)), Actor.SYSTEM),
    (c.RequestRenewal(date(2029, 9, 1), VALID_UNTIL, 90), Actor.ENTERPRISE),
    (c.Renew(VALID_UNTIL, date(2032, 10, 13)), CITY),
    (c.RefuseRenewal("管理不规范"), CITY),
    (LAPSE, Actor.SYSTEM),
]


def test_the_walkers_reach_the_states_they_are_named_after() -> None:
    assert all(build().state is state for state, build in IN_STATE.items())


@pytest.mark.parametrize(
    ("command", "actor", "state"),
    [
        (command, actor, state)
        for command, actor in SAMPLES
        for state in FilingState
        if state not in TRANSITIONS[command.action].sources
    ],
)
def test_every_illegal_transition_is_refused(
    command: c.Command, actor: Actor, state: FilingState
) -> None:
    filing = IN_STATE[state]()

    with pytest.raises(IllegalTransition, match=f"当前状态为“{state.label}”，不能执行"):
        decide(filing, command, actor)


@pytest.mark.parametrize(("command", "actor"), SAMPLES)
def test_the_wrong_role_is_refused_before_anything_else(command: c.Command, actor: Actor) -> None:
    wrong = Actor.PROVINCE_CENTER

    with pytest.raises(NotPermitted, match="“省职业技能鉴定指导中心”无权执行"):
        decide(draft(), command, wrong)


def test_a_new_filing_is_a_draft_at_version_zero() -> None:
    filing = draft().filing

    assert (filing.state, filing.version, filing.uscc) == (FilingState.DRAFT, 0, USCC)


def test_submission_names_everything_missing_at_once() -> None:
    incomplete = complete_record(
        application=complete_draft(email=None),
        materials={k: uploaded(k) for k in MaterialKind if k is not MaterialKind.QUESTION_BANKS},
        catalog=None,
    )

    with pytest.raises(IncompleteFiling) as caught:
        decide(incomplete, SUBMIT, Actor.ENTERPRISE)

    assert caught.value.missing_fields == ["企业电子邮箱"]
    assert caught.value.missing_materials == [MaterialKind.QUESTION_BANKS]
    assert caught.value.catalog_missing
    assert caught.value.message == (
        "备案申请不完整。申请表缺少：企业电子邮箱。"
        "备案材料缺少：9. 企业技能人才自主评价职业（工种）题库或卷库目录清单。"
        "尚未填写职业技能等级认定职业（工种）和标准目录清单（附表）。"
    )


def test_a_form_filed_under_another_code_is_refused() -> None:
    foreign = complete_record(application=complete_draft(uscc=OTHER_USCC))

    with pytest.raises(InvalidRequest, match="统一社会信用代码与备案企业账号不一致"):
        decide(foreign, SUBMIT, Actor.ENTERPRISE)


def test_submitting_moves_to_submitted_with_one_event() -> None:
    before = draft()

    decision = decide(before, SUBMIT, Actor.ENTERPRISE)

    assert decision.filing.state is FilingState.SUBMITTED
    assert decision.filing.version == 1
    [submitted_event] = decision.events
    assert isinstance(submitted_event, s.FilingSubmitted)
    assert submitted_event.application == event_parts.application(before)
    assert len(submitted_event.materials) == 10 and len(submitted_event.catalog) == 2
    assert submitted_event.application.postcode == "266555"
    assert before.state is FilingState.DRAFT


def test_returning_needs_itemised_remarks() -> None:
    with pytest.raises(InvalidRequest, match="须逐条列明修改意见"):
        decide(submitted(), c.ReturnForChanges(()), CITY)


def test_returning_keeps_the_remarks_and_publishes_them() -> None:
    decision = decide(submitted(), c.ReturnForChanges((REMARK,)), Actor.ADMIN)

    assert decision.filing.state is FilingState.RETURNED
    assert decision.filing.return_remarks == (REMARK,)
    assert decision.events == (s.FilingReturned(**DECIDED, remarks=event_parts.remarks((REMARK,))),)


def test_resubmitting_after_return_is_its_own_event() -> None:
    decision = decide(returned(), c.Resubmit(), Actor.ENTERPRISE)

    assert decision.filing.state is FilingState.SUBMITTED
    assert decision.filing.version == 3
    assert [type(event) for event in decision.events] == [s.FilingResubmitted]


def test_resubmitting_checks_completeness_again() -> None:
    without_materials = returned().model_copy(update={"materials": {}})

    with pytest.raises(IncompleteFiling):
        decide(without_materials, c.Resubmit(), Actor.ENTERPRISE)


def test_accepting_puts_the_filing_on_notice_for_five_working_days() -> None:
    decision = decide(
        submitted(), c.AcceptForNotice(ACCEPTED_ON, CALENDAR, conditions=ALL_MET), CITY
    )

    notice = decision.filing.notice
    assert decision.filing.state is FilingState.ON_NOTICE
    assert notice is not None
    assert (notice.starts_on, notice.ends_on) == (date(2026, 10, 8), LAST_NOTICE_DAY)
    assert decision.events[1:] == (
        s.FilingAccepted(**DECIDED),
        s.NoticeStarted(
            **IDS,
            enterprise_name="青岛示例机械有限公司",
            starts_on=notice.starts_on,
            ends_on=notice.ends_on,
            working_days=5,
        ),
    )


def test_an_impossible_notice_length_is_refused() -> None:
    with pytest.raises(InvalidRequest, match="公示期应为1至60个工作日"):
        decide(
            submitted(),
            c.AcceptForNotice(ACCEPTED_ON, CALENDAR, working_days=0, conditions=ALL_MET),
            CITY,
        )


def test_rejecting_outright_needs_a_reason() -> None:
    with pytest.raises(InvalidRequest, match="不予备案理由不能为空"):
        decide(submitted(), c.Reject("  "), CITY)

    decision = decide(submitted(), c.Reject("场地不符合要求", (REMARK,)), CITY)
    assert decision.filing.state is FilingState.REJECTED
    assert decision.filing.status_reason == "场地不符合要求"
    assert decision.events == (
        s.FilingRejected(
            **DECIDED, reason="场地不符合要求", remarks=event_parts.remarks((REMARK,))
        ),
    )


def test_the_public_may_object_during_the_notice() -> None:
    decision = decide(on_notice(), objection(), Actor.PUBLIC)

    (raised,) = decision.filing.objections
    assert raised.status is ObjectionStatus.RAISED
    assert raised.objector_name == "赵六"
    assert raised.raised_on == date(2026, 10, 9)
    assert decision.filing.state is FilingState.ON_NOTICE
    assert decision.events == (
        s.ObjectionRaised(
            **IDS,
            objection_id="O-1",
            text="该企业考评人员不足",
            contact_email="someone@example.com",
        ),
    )


def test_an_objection_after_the_last_notice_day_is_refused() -> None:
    with pytest.raises(IllegalTransition, match="不在公示期内，不能提出异议"):
        decide(on_notice(), objection(on=AFTER_NOTICE), Actor.PUBLIC)
    assert decide(on_notice(), objection(on=LAST_NOTICE_DAY), Actor.PUBLIC).changed


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (c.RaiseObjection("O-2", ACCEPTED_ON, " "), "异议内容不能为空"),
        (c.RaiseObjection("O-2", ACCEPTED_ON, "x" * 2001), "异议内容不能超过2000个字"),
        (c.RaiseObjection("O-2", ACCEPTED_ON, "内容", "not-mail"), "电子邮箱格式不正确"),
        (objection("O-1"), "该异议已经提交"),
    ],
)
def test_bad_objections_are_refused(command: c.RaiseObjection, message: str) -> None:
    with_one = run(on_notice(), objection("O-1"), Actor.PUBLIC)

    with pytest.raises(InvalidRequest, match=message):
        decide(with_one, command, Actor.PUBLIC)


def test_an_anonymous_objection_without_contact_is_accepted() -> None:
    anonymous = c.RaiseObjection("O-9", ACCEPTED_ON, "内容")

    (raised,) = run(on_notice(), anonymous, Actor.PUBLIC).filing.objections
    assert (raised.objector_name, raised.contact_email) == (None, None)


def test_the_notice_does_not_end_before_its_last_day_has_passed() -> None:
    with pytest.raises(IllegalTransition, match="公示期至2026-10-13，尚未期满"):
        decide(on_notice(), c.EndNotice(LAST_NOTICE_DAY, RECEIPT), Actor.SYSTEM)


def test_the_notice_ends_in_a_filing_with_its_receipt() -> None:
    filing = on_notice()
    assert filing.filing.notice_can_end(AFTER_NOTICE)

    decision = decide(filing, c.EndNotice(AFTER_NOTICE, RECEIPT), Actor.SYSTEM)

    assert decision.filing.state is FilingState.FILED
    assert decision.filing.receipt == RECEIPT
    closed, filed_event = decision.events
    assert closed == s.NoticeClosed(**IDS, objection_count=0, upheld_count=0)
    assert isinstance(filed_event, s.FilingFiled)
    assert (filed_event.receipt_number, filed_event.filed_on) == (RECEIPT.number, AFTER_NOTICE)
    assert filed_event.enterprise_short_name == "示例机械"
    assert len(filed_event.catalog) == 2


def test_an_unresolved_objection_keeps_the_filing_on_notice() -> None:
    filing = run(on_notice(), objection(), Actor.PUBLIC)
    assert not filing.filing.notice_can_end(AFTER_NOTICE)

    decision = decide(filing, c.EndNotice(AFTER_NOTICE, RECEIPT), Actor.SYSTEM)

    assert decision == Decision(filing, ())
    assert not decision.changed


def test_a_dismissed_objection_lets_the_notice_end() -> None:
    filing = run(on_notice(), objection(), Actor.PUBLIC)
    dismiss = c.ResolveObjection(
        "O-1", upheld=False, reason="经核实不属实", resolved_on=AFTER_NOTICE
    )

    decision = decide(filing, dismiss, CITY)

    assert decision.filing.state is FilingState.ON_NOTICE
    assert decision.filing.objections[0].status is ObjectionStatus.DISMISSED
    assert decision.events == (
        s.ObjectionDismissed(**DECIDED, objection_id="O-1", reason="经核实不属实"),
    )
    assert decision.filing.notice_can_end(AFTER_NOTICE)
    ended = decide(decision.record, c.EndNotice(AFTER_NOTICE, RECEIPT), Actor.SYSTEM)
    assert ended.filing.state is FilingState.FILED
    assert ended.events[0] == s.NoticeClosed(**IDS, objection_count=1, upheld_count=0)


def test_an_upheld_objection_rejects_the_filing() -> None:
    filing = run(on_notice(), objection(), Actor.PUBLIC)
    uphold = c.ResolveObjection(
        "O-1", upheld=True, reason="考评人员确实不足", resolved_on=date(2026, 10, 12)
    )

    decision = decide(filing, uphold, Actor.ADMIN)

    assert decision.filing.state is FilingState.REJECTED
    assert decision.filing.version == filing.filing.version + 1
    reason = "公示期间异议经核实成立：考评人员确实不足"
    assert decision.filing.status_reason == reason
    assert decision.events == (
        s.ObjectionUpheld(**DECIDED, objection_id="O-1", reason="考评人员确实不足"),
        s.NoticeClosed(**IDS, objection_count=1, upheld_count=1),
        s.FilingRejected(**DECIDED, reason=reason, upheld_objection_ids=("O-1",)),
    )


def test_an_objection_is_resolved_once_and_must_exist() -> None:
    dismiss = c.ResolveObjection("O-1", upheld=False, reason="不属实", resolved_on=AFTER_NOTICE)
    resolved = run(run(on_notice(), objection(), Actor.PUBLIC), dismiss, CITY)

    with pytest.raises(IllegalTransition, match="该异议已处理，不能重复处理"):
        decide(resolved, dismiss, CITY)
    with pytest.raises(InvalidRequest, match="该异议不存在"):
        decide(on_notice(), dismiss, CITY)


def test_resolving_needs_a_reason() -> None:
    filing = run(on_notice(), objection(), Actor.PUBLIC)

    with pytest.raises(InvalidRequest, match="异议处理意见不能为空"):
        decide(filing, c.ResolveObjection("O-1", True, "", AFTER_NOTICE), CITY)


def test_suspension_and_reinstatement() -> None:
    suspend = c.Suspend("考评人员资质不符合要求", until=date(2026, 12, 31))

    paused = decide(filed(), suspend, CITY)
    back = decide(paused.record, c.Reinstate("整改完成"), CITY)

    assert paused.filing.state is FilingState.SUSPENDED
    assert paused.events == (
        s.FilingSuspended(**DECIDED, reason="考评人员资质不符合要求", until=date(2026, 12, 31)),
    )
    assert back.filing.state is FilingState.FILED
    assert back.filing.receipt == RECEIPT
    assert back.events == (s.FilingReinstated(**DECIDED, reason="整改完成"),)


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (c.Suspend(""), "暂停原因不能为空"),
        (c.Revoke(" "), "取消评价资质的原因不能为空"),
    ],
)
def test_suspension_and_revocation_need_a_reason(command: c.Command, message: str) -> None:
    with pytest.raises(InvalidRequest, match=message):
        decide(filed(), command, CITY)


def test_reinstatement_needs_a_reason() -> None:
    with pytest.raises(InvalidRequest, match="恢复理由不能为空"):
        decide(suspended(), c.Reinstate(""), CITY)


@pytest.mark.parametrize("build", [filed, suspended])
def test_revocation_from_filed_or_suspended(build: Callable[[], FilingRecord]) -> None:
    decision = decide(build(), c.Revoke("违规发证"), Actor.ADMIN)

    assert decision.filing.state is FilingState.REVOKED
    assert decision.filing.status_reason == "违规发证"
    assert decision.events == (s.FilingRevoked(**DECIDED, reason="违规发证"),)


def test_each_decision_raises_the_version_by_one() -> None:
    versions = [build().filing.version for build in (draft, submitted, on_notice, filed, suspended)]

    assert versions == [0, 1, 2, 3, 4]


def test_a_filing_survives_storage_as_json() -> None:
    filing = run(filed(), c.Suspend("整改"), CITY)

    stored = filing.model_dump(mode="json")

    assert FilingRecord.model_validate(stored) == filing
    assert stored["filing"]["state"] == "suspended"


def test_an_institution_code_set_before_filing_is_on_the_receipt() -> None:
    coded = run(run(on_notice(), SERIAL, CITY), c.AssignInstitutionCode("0123"), CITY)
    assert coded.state is FilingState.ON_NOTICE and coded.filing.institution_code == "0123"

    filed_now = run(coded, c.EndNotice(AFTER_NOTICE, RECEIPT), Actor.SYSTEM).filing

    assert filed_now.receipt is not None
    assert filed_now.receipt.institution_code == "0123"
    assert filed_now.receipt.certificate_number_prefix == "Y012337000042"


def test_an_institution_code_set_after_filing_changes_the_receipt_and_is_published() -> None:
    with_serial = run(filed(), SERIAL, CITY)
    before = with_serial.filing
    assert before.receipt is not None and before.receipt.certificate_number_prefix == (
        "Y000037000042"
    )

    decision = decide(with_serial, c.AssignInstitutionCode(" 0456 "), Actor.ADMIN)

    assert decision.filing.state is FilingState.FILED
    assert decision.filing.receipt is not None
    assert decision.filing.receipt.certificate_number_prefix == "Y045637000042"
    assert decision.filing.receipt.number == before.receipt.number
    [event] = decision.events
    assert isinstance(event, s.InstitutionCodeAssigned)
    assert (event.institution_code, event.previous_code) == ("0456", "0000")


@pytest.mark.parametrize("code", ["123", "12345", "01a3", "０１２３", "", "01 3"])
def test_an_institution_code_is_four_ascii_digits(code: str) -> None:
    with pytest.raises(InvalidRequest, match="机构代码应为4位数字"):
        decide(filed(), c.AssignInstitutionCode(code), CITY)


def test_setting_the_same_institution_code_again_changes_nothing() -> None:
    coded = run(filed(), c.AssignInstitutionCode("0123"), CITY)
    assert not decide(coded, c.AssignInstitutionCode("0123"), CITY).changed


def test_only_staff_set_the_institution_code() -> None:
    for actor in (Actor.ENTERPRISE, Actor.PUBLIC, Actor.PROVINCE_CENTER):
        with pytest.raises(NotPermitted):
            decide(filed(), c.AssignInstitutionCode("0123"), actor)
