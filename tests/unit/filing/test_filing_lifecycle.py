from __future__ import annotations

import itertools

import pytest

from skilleval_filing.filings.lifecycle import (
    TERMINAL_STATES,
    TRANSITIONS,
    Action,
    Actor,
    FilingState,
    allowed_actions,
    authorize,
    may_issue_certificates,
)
from skilleval_shared.domain_errors import IllegalTransition, NotPermitted

A, S = Actor, FilingState
STAFF = {A.CITY_CENTER, A.ADMIN}
# Written out again on purpose: the test states the rules, the module must agree.
EXPECTED: dict[Action, tuple[set[Actor], set[FilingState]]] = {
    Action.EDIT: ({A.ENTERPRISE}, {S.DRAFT, S.RETURNED}),
    Action.SUBMIT: ({A.ENTERPRISE}, {S.DRAFT}),
    Action.RETURN_FOR_CHANGES: (STAFF, {S.SUBMITTED}),
    Action.RESUBMIT: ({A.ENTERPRISE}, {S.RETURNED}),
    Action.ACCEPT_FOR_NOTICE: (STAFF, {S.SUBMITTED}),
    Action.REJECT: (STAFF, {S.SUBMITTED}),
    Action.RAISE_OBJECTION: ({A.PUBLIC}, {S.ON_NOTICE}),
    Action.RESOLVE_OBJECTION: (STAFF, {S.ON_NOTICE}),
    Action.END_NOTICE: ({A.SYSTEM}, {S.ON_NOTICE}),
    Action.SUSPEND: (STAFF, {S.FILED}),
    Action.REINSTATE: (STAFF, {S.SUSPENDED}),
    Action.REVOKE: (STAFF, {S.FILED, S.SUSPENDED}),
    Action.ASSIGN_INSTITUTION_CODE: (
        STAFF,
        {S.SUBMITTED, S.RETURNED, S.ON_NOTICE, S.FILED, S.SUSPENDED},
    ),
    # The province assigns the serial: its centre may record it too.
    Action.RECORD_INSTITUTION_SERIAL: (
        STAFF | {A.PROVINCE_CENTER},
        {S.SUBMITTED, S.RETURNED, S.ON_NOTICE, S.FILED, S.SUSPENDED},
    ),
    Action.END_SUSPENSION: ({A.SYSTEM}, {S.SUSPENDED}),
    Action.REQUEST_RENEWAL: ({A.ENTERPRISE}, {S.FILED}),
    Action.RENEW: (STAFF, {S.FILED}),
    Action.REFUSE_RENEWAL: (STAFF, {S.FILED, S.SUSPENDED}),
    Action.LAPSE: ({A.SYSTEM}, {S.FILED, S.SUSPENDED}),
    Action.REMIND_RENEWAL: ({A.SYSTEM}, {S.FILED, S.SUSPENDED}),
}


def test_every_action_has_a_rule() -> None:
    assert set(TRANSITIONS) == set(Action) == set(EXPECTED)


@pytest.mark.parametrize(
    ("action", "state", "actor"), list(itertools.product(Action, FilingState, Actor))
)
def test_authorize_follows_the_table(action: Action, state: FilingState, actor: Actor) -> None:
    actors, sources = EXPECTED[action]
    if actor not in actors:
        with pytest.raises(NotPermitted, match=f"“{actor.label}”无权执行“{action.label}”"):
            authorize(state, action, actor)
    elif state not in sources:
        with pytest.raises(IllegalTransition, match=f"当前状态为“{state.label}”"):
            authorize(state, action, actor)
    else:
        assert authorize(state, action, actor) is TRANSITIONS[action]


def test_the_illegal_transition_message_reads_naturally() -> None:
    with pytest.raises(IllegalTransition) as caught:
        authorize(S.SUBMITTED, Action.REVOKE, A.CITY_CENTER)

    assert caught.value.message == "当前状态为“已提交”，不能执行“取消评价资质”"


def test_the_role_is_checked_before_the_state() -> None:
    with pytest.raises(NotPermitted) as caught:
        authorize(S.DRAFT, Action.REVOKE, A.ENTERPRISE)

    assert caught.value.message == "“企业”无权执行“取消评价资质”"


def test_the_province_centre_only_records_the_institution_serial() -> None:
    for state in FilingState:
        assert set(allowed_actions(state, A.PROVINCE_CENTER)) <= {Action.RECORD_INSTITUTION_SERIAL}
    assert allowed_actions(S.FILED, A.PROVINCE_CENTER) == [Action.RECORD_INSTITUTION_SERIAL]


def test_allowed_actions_lists_what_a_role_may_do_now() -> None:
    assert allowed_actions(S.SUBMITTED, A.CITY_CENTER) == [
        Action.RETURN_FOR_CHANGES,
        Action.ACCEPT_FOR_NOTICE,
        Action.REJECT,
        Action.ASSIGN_INSTITUTION_CODE,
        Action.RECORD_INSTITUTION_SERIAL,
    ]
    assert allowed_actions(S.RETURNED, A.ENTERPRISE) == [Action.EDIT, Action.RESUBMIT]
    assert allowed_actions(S.FILED, A.ADMIN) == [
        Action.SUSPEND,
        Action.REVOKE,
        Action.ASSIGN_INSTITUTION_CODE,
        Action.RECORD_INSTITUTION_SERIAL,
        Action.RENEW,
        Action.REFUSE_RENEWAL,
    ]
    assert allowed_actions(S.FILED, A.ENTERPRISE) == [Action.REQUEST_RENEWAL]


def test_terminal_states_allow_nothing() -> None:
    for state, actor in itertools.product(TERMINAL_STATES, Actor):
        assert allowed_actions(state, actor) == []


def test_every_target_is_a_real_next_state() -> None:
    assert TRANSITIONS[Action.END_NOTICE].targets == {S.ON_NOTICE, S.FILED}
    assert TRANSITIONS[Action.RESOLVE_OBJECTION].targets == {S.ON_NOTICE, S.REJECTED}
    assert TRANSITIONS[Action.REVOKE].targets == {S.REVOKED}


def test_only_a_filed_enterprise_may_issue_certificates() -> None:
    assert [state for state in FilingState if may_issue_certificates(state)] == [S.FILED]


def test_every_state_action_and_actor_has_a_chinese_label() -> None:
    labels = [member.label for enum in (FilingState, Action, Actor) for member in enum]

    assert all(label and not label.isascii() for label in labels)
    assert S.ON_NOTICE.label == "公示中"
    assert Action.ACCEPT_FOR_NOTICE.label == "评估合格并公示"
