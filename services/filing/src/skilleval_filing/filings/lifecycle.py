"""The filing state machine: which action, by whom, from which state, to which state.

``TRANSITIONS`` is the whole rulebook; ``filing.decide`` applies it to a filing aggregate.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from enum import StrEnum

from skilleval_shared.domain_errors import IllegalTransition, NotPermitted


class FilingState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ON_NOTICE = "on_notice"
    REJECTED = "rejected"
    FILED = "filed"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    LAPSED = "lapsed"

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]


class Actor(StrEnum):
    """Who acts: the four account roles, plus the anonymous public and the system itself."""

    ENTERPRISE = "enterprise"
    CITY_CENTER = "city_center"
    PROVINCE_CENTER = "province_center"
    ADMIN = "admin"
    PUBLIC = "public"
    SYSTEM = "system"

    @property
    def label(self) -> str:
        return _ACTOR_LABELS[self]


class Action(StrEnum):
    EDIT = "edit"
    SUBMIT = "submit"
    RETURN_FOR_CHANGES = "return_for_changes"
    RESUBMIT = "resubmit"
    ACCEPT_FOR_NOTICE = "accept_for_notice"
    REJECT = "reject"
    RAISE_OBJECTION = "raise_objection"
    RESOLVE_OBJECTION = "resolve_objection"
    END_NOTICE = "end_notice"
    SUSPEND = "suspend"
    REINSTATE = "reinstate"
    REVOKE = "revoke"
    ASSIGN_INSTITUTION_CODE = "assign_institution_code"
    RECORD_INSTITUTION_SERIAL = "record_institution_serial"
    END_SUSPENSION = "end_suspension"
    REQUEST_RENEWAL = "request_renewal"
    RENEW = "renew"
    REFUSE_RENEWAL = "refuse_renewal"
    LAPSE = "lapse"
    REMIND_RENEWAL = "remind_renewal"

    @property
    def label(self) -> str:
        return _ACTION_LABELS[self]


_STATE_LABELS = {
    FilingState.DRAFT: "草稿",
    FilingState.SUBMITTED: "已提交",
    FilingState.RETURNED: "退回修改",
    FilingState.ON_NOTICE: "公示中",
    FilingState.REJECTED: "不予备案",
    FilingState.FILED: "已备案",
    FilingState.SUSPENDED: "暂停评价",
    FilingState.REVOKED: "已取消评价资质",
    FilingState.LAPSED: "备案已失效",
}
_ACTOR_LABELS = {
    Actor.ENTERPRISE: "企业",
    Actor.CITY_CENTER: "市职业技能鉴定中心",
    Actor.PROVINCE_CENTER: "省职业技能鉴定指导中心",
    Actor.ADMIN: "系统管理员",
    Actor.PUBLIC: "社会公众",
    Actor.SYSTEM: "系统",
}
_ACTION_LABELS = {
    Action.EDIT: "修改备案申请",
    Action.SUBMIT: "提交备案申请",
    Action.RETURN_FOR_CHANGES: "退回修改",
    Action.RESUBMIT: "重新提交",
    Action.ACCEPT_FOR_NOTICE: "评估合格并公示",
    Action.REJECT: "决定不予备案",
    Action.RAISE_OBJECTION: "提出异议",
    Action.RESOLVE_OBJECTION: "处理异议",
    Action.END_NOTICE: "公示期满",
    Action.SUSPEND: "暂停评价资格",
    Action.REINSTATE: "恢复评价资格",
    Action.REVOKE: "取消评价资质",
    Action.ASSIGN_INSTITUTION_CODE: "设置机构代码",
    Action.RECORD_INSTITUTION_SERIAL: "登记机构序号",
    Action.END_SUSPENSION: "暂停期满恢复评价资格",
    Action.REQUEST_RENEWAL: "申请继续备案",
    Action.RENEW: "同意继续备案",
    Action.REFUSE_RENEWAL: "不同意继续备案",
    Action.LAPSE: "备案有效期届满失效",
    Action.REMIND_RENEWAL: "提醒申请继续备案",
}


@dataclass(frozen=True)
class Transition:
    """``targets`` lists every state the action may lead to; the handler picks one."""

    actors: frozenset[Actor]
    sources: frozenset[FilingState]
    targets: frozenset[FilingState]


def _rule(actors: Set[Actor], sources: Set[FilingState], targets: Set[FilingState]) -> Transition:
    return Transition(frozenset(actors), frozenset(sources), frozenset(targets))


_S = FilingState
# The province centre reviews rosters, not filings; of a filing it only records the serial.
STAFF = frozenset({Actor.CITY_CENTER, Actor.ADMIN})
SERIAL_RECORDERS = STAFF | {Actor.PROVINCE_CENTER}
_CODED = {_S.SUBMITTED, _S.RETURNED, _S.ON_NOTICE, _S.FILED, _S.SUSPENDED}
TRANSITIONS: dict[Action, Transition] = {
    Action.EDIT: _rule({Actor.ENTERPRISE}, {_S.DRAFT, _S.RETURNED}, {_S.DRAFT, _S.RETURNED}),
    Action.SUBMIT: _rule({Actor.ENTERPRISE}, {_S.DRAFT}, {_S.SUBMITTED}),
    Action.RETURN_FOR_CHANGES: _rule(STAFF, {_S.SUBMITTED}, {_S.RETURNED}),
    Action.RESUBMIT: _rule({Actor.ENTERPRISE}, {_S.RETURNED}, {_S.SUBMITTED}),
    Action.ACCEPT_FOR_NOTICE: _rule(STAFF, {_S.SUBMITTED}, {_S.ON_NOTICE}),
    Action.REJECT: _rule(STAFF, {_S.SUBMITTED}, {_S.REJECTED}),
    Action.RAISE_OBJECTION: _rule({Actor.PUBLIC}, {_S.ON_NOTICE}, {_S.ON_NOTICE}),
    Action.RESOLVE_OBJECTION: _rule(STAFF, {_S.ON_NOTICE}, {_S.ON_NOTICE, _S.REJECTED}),
    Action.END_NOTICE: _rule({Actor.SYSTEM}, {_S.ON_NOTICE}, {_S.ON_NOTICE, _S.FILED}),
    Action.SUSPEND: _rule(STAFF, {_S.FILED}, {_S.SUSPENDED}),
    Action.REINSTATE: _rule(STAFF, {_S.SUSPENDED}, {_S.FILED}),
    Action.REVOKE: _rule(STAFF, {_S.FILED, _S.SUSPENDED}, {_S.REVOKED}),
    # The national code (certificate number positions 2–5) may come before or after filing;
    # the state stays as it is.
    Action.ASSIGN_INSTITUTION_CODE: _rule(STAFF, _CODED, _CODED),
    # The serial (positions 8–13) is assigned by the provincial centre: its staff or the city
    # centre's record it, before or after filing; the state stays as it is.
    Action.RECORD_INSTITUTION_SERIAL: _rule(SERIAL_RECORDERS, _CODED, _CODED),
    # The exit mechanism (退出机制): a suspension with an end date ends by itself; a filing's
    # validity ends unless the centre accepts 继续备案, and then it lapses.
    Action.END_SUSPENSION: _rule({Actor.SYSTEM}, {_S.SUSPENDED}, {_S.FILED}),
    Action.REQUEST_RENEWAL: _rule({Actor.ENTERPRISE}, {_S.FILED}, {_S.FILED}),
    Action.RENEW: _rule(STAFF, {_S.FILED}, {_S.FILED}),
    Action.REFUSE_RENEWAL: _rule(STAFF, {_S.FILED, _S.SUSPENDED}, {_S.FILED, _S.SUSPENDED}),
    Action.LAPSE: _rule({Actor.SYSTEM}, {_S.FILED, _S.SUSPENDED}, {_S.LAPSED}),
    Action.REMIND_RENEWAL: _rule(
        {Actor.SYSTEM}, {_S.FILED, _S.SUSPENDED}, {_S.FILED, _S.SUSPENDED}
    ),
}
TERMINAL_STATES = frozenset({_S.REJECTED, _S.REVOKED, _S.LAPSED})


def authorize(state: FilingState, action: Action, actor: Actor) -> Transition:
    """The rule for ``action``, or the error explaining why ``actor`` may not take it now."""
    transition = TRANSITIONS[action]
    # Role first, so a caller without the role learns nothing about the state.
    if actor not in transition.actors:
        raise NotPermitted(f"“{actor.label}”无权执行“{action.label}”")
    if state not in transition.sources:
        raise IllegalTransition(f"当前状态为“{state.label}”，不能执行“{action.label}”")
    return transition


def allowed_actions(state: FilingState, actor: Actor) -> list[Action]:
    return [
        action
        for action, rule in TRANSITIONS.items()
        if actor in rule.actors and state in rule.sources
    ]


def may_issue_certificates(state: FilingState) -> bool:
    """Only a filed enterprise evaluates; suspension and revocation stop new certificates."""
    return state is FilingState.FILED
