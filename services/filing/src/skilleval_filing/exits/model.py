"""The exit mechanism (退出机制, 八、(一)): suspension with an end, revocation (取消评价资格) on
grounds backed by the supervision records, and a filing's validity with 继续备案.

Pure rules: ``apply`` decides the filing commands of this feature (``filings.decisions.decide``
hands them over, after ``authorize``); ``check_grounds`` judges a revocation's grounds against
the enterprise's own records; ``valid_until``, ``suspension_over`` and ``lapse_due`` tell the
scheduler what is due.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Set
from datetime import date, timedelta
from typing import Any

from skilleval_filing.filings import commands as c
from skilleval_filing.filings.lifecycle import FilingState
from skilleval_filing.filings.model import Filing
from skilleval_shared.domain_errors import IllegalTransition, InvalidRequest
from skilleval_shared.events import filing as s
from skilleval_shared.events.filing_parts import (
    EvidenceKind,
    RevocationGround,
    RevocationGroundKind,
)
from skilleval_shared.fields import bounded_text

SYSTEM_ID = "system"
GROUND_LABELS = {
    RevocationGroundKind.MISCONDUCT: "违规失信",
    RevocationGroundKind.MISMANAGEMENT: "管理失序",
    RevocationGroundKind.OTHER: "其他",
}
EVIDENCE_LABELS = {
    EvidenceKind.CREDIT: "信用记录",
    EvidenceKind.INSPECTION: "双随机抽查",
    EvidenceKind.COMPLAINT: "投诉举报",
}
# 违规失信 and 管理失序 are findings: they must rest on a record the centre keeps.
NEEDS_EVIDENCE = frozenset({RevocationGroundKind.MISCONDUCT, RevocationGroundKind.MISMANAGEMENT})

Changes = dict[str, Any]
Events = list[s.FilingEvent]
ExitCommand = (
    c.Suspend
    | c.Reinstate
    | c.Revoke
    | c.EndSuspension
    | c.RequestRenewal
    | c.Renew
    | c.RefuseRenewal
    | c.Lapse
    | c.RemindRenewal
)


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def valid_until(filing: Filing, validity_years: int) -> date | None:
    """The last day the filing is valid: ``validity_years`` from filing, or as last renewed."""
    if filing.renewed_until is not None:
        return filing.renewed_until
    if filing.receipt is None:
        return None
    return add_years(filing.receipt.issued_on, validity_years) - timedelta(days=1)


def suspension_over(filing: Filing, today: date) -> bool:
    """A suspension "until" a day covers that day; the filing is reinstated the day after."""
    return (
        filing.state is FilingState.SUSPENDED
        and filing.suspended_until is not None
        and filing.suspended_until < today
    )


def lapse_due(filing: Filing, today: date, validity_years: int) -> bool:
    """Past its validity with no 继续备案 awaiting the centre (the centre answers first)."""
    end = valid_until(filing, validity_years)
    return (
        filing.state in (FilingState.FILED, FilingState.SUSPENDED)
        and end is not None
        and end < today
        and filing.renewal_requested_on is None
    )


def renewal_window_opens(end: date, window_days: int) -> date:
    """The first day 继续备案 may be asked for a validity ending on ``end``."""
    return end - timedelta(days=window_days)


def renewal_reminder(
    filing: Filing, today: date, validity_years: int, window_days: int
) -> c.RemindRenewal | None:
    """Due inside the current validity's 继续备案 window, when it was neither asked for nor
    reminded of yet."""
    end = valid_until(filing, validity_years)
    if end is None or filing.state not in (FilingState.FILED, FilingState.SUSPENDED):
        return None
    opens = renewal_window_opens(end, window_days)
    if not opens <= today <= end or filing.renewal_requested_on is not None:
        return None
    if filing.renewal_reminded_for == end:
        return None
    return c.RemindRenewal(valid_until=end, window_opens=opens)


def check_grounds(
    grounds: tuple[RevocationGround, ...], known: Mapping[EvidenceKind, Set[str]]
) -> None:
    """``known``: the ids of each kind of record that concern the enterprise being revoked."""
    if not grounds:
        raise InvalidRequest("取消评价资质应至少列明一项理由（违规失信、管理失序或其他）")
    kinds = [ground.kind for ground in grounds]
    if len(set(kinds)) != len(kinds):
        raise InvalidRequest("同一类取消理由只能列明一次")
    for ground in grounds:
        label = GROUND_LABELS[ground.kind]
        if ground.kind in NEEDS_EVIDENCE and not ground.evidence:
            raise InvalidRequest(
                f"以“{label}”为由取消评价资质，应至少引用一项信用记录、抽查或投诉举报"
            )
        for item in ground.evidence:
            if item.evidence_id not in known.get(item.kind, frozenset()):
                raise InvalidRequest(
                    f"“{label}”所引用的{EVIDENCE_LABELS[item.kind]}“{item.evidence_id}”"
                    "不存在或与该企业无关"
                )


def apply(filing: Filing, decided_by: str, command: ExitCommand) -> tuple[Changes, Events]:
    ids = {"uscc": filing.uscc, "filing_id": filing.filing_id}
    decided = {**ids, "decided_by": decided_by}
    match command:
        case c.Suspend():
            reason = _text(command.reason, "暂停原因")
            changes: Changes = {
                "state": FilingState.SUSPENDED,
                "status_reason": reason,
                "suspended_until": command.until,
            }
            return changes, [s.FilingSuspended(**decided, reason=reason, until=command.until)]
        case c.Reinstate():
            reason = _text(command.reason, "恢复理由")
            return _reinstated(decided, reason)
        case c.EndSuspension():
            until = filing.suspended_until
            if until is None or not until < command.today:
                raise IllegalTransition("暂停期限尚未届满")
            reason = f"暂停期限（至{until.isoformat()}）届满，自动恢复评价资格"
            return _reinstated({**ids, "decided_by": SYSTEM_ID}, reason)
        case c.Revoke():
            reason = _text(command.reason, "取消评价资质的原因")
            changes = {
                "state": FilingState.REVOKED,
                "status_reason": reason,
                "revocation_grounds": command.grounds,
            }
            return changes, [s.FilingRevoked(**decided, reason=reason, grounds=command.grounds)]
        case c.RequestRenewal():
            return _request_renewal(filing, ids, command)
        case c.Renew():
            if filing.renewal_requested_on is None:
                raise IllegalTransition("企业尚未申请继续备案")
            changes = {"renewed_until": command.renewed_until, "renewal_requested_on": None}
            renewed = s.FilingRenewed(
                **decided,
                previous_valid_until=command.valid_until,
                valid_until=command.renewed_until,
            )
            return changes, [renewed]
        case c.RefuseRenewal():
            if filing.renewal_requested_on is None:
                raise IllegalTransition("企业尚未申请继续备案")
            reason = _text(command.reason, "不同意继续备案的理由")
            # The filing lapses at the end of its validity, as if no request had been made.
            changes = {"renewal_requested_on": None, "status_reason": reason}
            return changes, [s.FilingRenewalRefused(**decided, reason=reason)]
        case c.RemindRenewal():
            if filing.renewal_reminded_for == command.valid_until:
                raise IllegalTransition("已提醒过本有效期的继续备案")
            changes = {"renewal_reminded_for": command.valid_until}
            due = s.FilingRenewalDue(
                **ids, valid_until=command.valid_until, window_opens=command.window_opens
            )
            return changes, [due]
        case c.Lapse():
            if not command.valid_until < command.today or filing.renewal_requested_on:
                raise IllegalTransition("备案尚在有效期内或继续备案申请待处理")
            reason = f"备案有效期至{command.valid_until.isoformat()}届满，未继续备案"
            changes = {"state": FilingState.LAPSED, "status_reason": reason}
            return changes, [s.FilingLapsed(**ids, valid_until=command.valid_until)]


def _reinstated(decided: dict[str, Any], reason: str) -> tuple[Changes, Events]:
    changes = {"state": FilingState.FILED, "status_reason": reason, "suspended_until": None}
    return changes, [s.FilingReinstated(**decided, reason=reason)]


def _request_renewal(
    filing: Filing, ids: dict[str, Any], command: c.RequestRenewal
) -> tuple[Changes, Events]:
    if filing.renewal_requested_on is not None:
        raise IllegalTransition("已申请继续备案，正等待市职业技能鉴定中心处理")
    opens = renewal_window_opens(command.valid_until, command.window_days)
    if command.today < opens:
        raise IllegalTransition(
            f"备案有效期至{command.valid_until.isoformat()}，可于{opens.isoformat()}起申请继续备案"
        )
    if command.valid_until < command.today:
        raise IllegalTransition("备案有效期已届满，不能再申请继续备案")
    event = s.FilingRenewalRequested(**ids, valid_until=command.valid_until)
    return {"renewal_requested_on": command.today}, [event]


def _text(value: str, label: str) -> str:
    try:
        return bounded_text(2000, multiline=True)(value)
    except ValueError as error:
        raise InvalidRequest(f"{label}{error}") from None
