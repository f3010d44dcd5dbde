"""Orders given to a filing. Each names the lifecycle action it performs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from skilleval_filing.filings.conditions import ConditionCheck
from skilleval_filing.filings.lifecycle import Action
from skilleval_filing.filings.notice_calendar import DEFAULT_NOTICE_WORKING_DAYS, NoticeCalendar
from skilleval_filing.filings.receipt import Receipt
from skilleval_filing.filings.remarks import Remark
from skilleval_shared.events.filing_parts import RevocationGround


@dataclass(frozen=True)
class Submit:
    """Submit what the filing holds: form, materials and catalog."""

    action: ClassVar[Action] = Action.SUBMIT


@dataclass(frozen=True)
class Resubmit(Submit):
    action: ClassVar[Action] = Action.RESUBMIT


@dataclass(frozen=True)
class ReturnForChanges:
    action: ClassVar[Action] = Action.RETURN_FOR_CHANGES
    remarks: tuple[Remark, ...]
    # The findings on the six 自主评价条件, if the reviewer got that far; unmet ones become remarks.
    conditions: tuple[ConditionCheck, ...] = ()
    on: date | None = None


@dataclass(frozen=True)
class AcceptForNotice:
    action: ClassVar[Action] = Action.ACCEPT_FOR_NOTICE
    accepted_on: date
    calendar: NoticeCalendar = field(default_factory=NoticeCalendar)
    working_days: int = DEFAULT_NOTICE_WORKING_DAYS
    # Required, all six met: 评估合格 means every 自主评价条件 is met.
    conditions: tuple[ConditionCheck, ...] = ()


@dataclass(frozen=True)
class Reject:
    """The centre's evaluation failed outright (评估不合格), without a notice."""

    action: ClassVar[Action] = Action.REJECT
    reason: str
    remarks: tuple[Remark, ...] = ()
    conditions: tuple[ConditionCheck, ...] = ()
    on: date | None = None


@dataclass(frozen=True)
class RaiseObjection:
    action: ClassVar[Action] = Action.RAISE_OBJECTION
    objection_id: str
    raised_on: date
    text: str
    contact_email: str | None = None
    objector_name: str | None = None
    contact_phone: str | None = None


@dataclass(frozen=True)
class ResolveObjection:
    action: ClassVar[Action] = Action.RESOLVE_OBJECTION
    objection_id: str
    upheld: bool
    reason: str
    resolved_on: date


@dataclass(frozen=True)
class EndNotice:
    """Sent by the scheduler; ``receipt`` is used only if the filing is filed now."""

    action: ClassVar[Action] = Action.END_NOTICE
    today: date
    receipt: Receipt


@dataclass(frozen=True)
class Suspend:
    action: ClassVar[Action] = Action.SUSPEND
    reason: str
    until: date | None = None


@dataclass(frozen=True)
class Reinstate:
    action: ClassVar[Action] = Action.REINSTATE
    reason: str


@dataclass(frozen=True)
class Revoke:
    """取消评价资质; ``grounds`` checked against the supervision records by ``exits.revoke``."""

    action: ClassVar[Action] = Action.REVOKE
    reason: str
    grounds: tuple[RevocationGround, ...] = ()


@dataclass(frozen=True)
class EndSuspension:
    """Sent by the scheduler once the suspension's end date has passed."""

    action: ClassVar[Action] = Action.END_SUSPENSION
    today: date


@dataclass(frozen=True)
class RequestRenewal:
    """继续备案 asked by the enterprise; ``valid_until`` is the filing's current validity end."""

    action: ClassVar[Action] = Action.REQUEST_RENEWAL
    today: date
    valid_until: date
    window_days: int


@dataclass(frozen=True)
class Renew:
    action: ClassVar[Action] = Action.RENEW
    valid_until: date
    renewed_until: date


@dataclass(frozen=True)
class RefuseRenewal:
    action: ClassVar[Action] = Action.REFUSE_RENEWAL
    reason: str


@dataclass(frozen=True)
class Lapse:
    """Sent by the scheduler once the validity ended with no 继续备案 pending."""

    action: ClassVar[Action] = Action.LAPSE
    today: date
    valid_until: date


@dataclass(frozen=True)
class RemindRenewal:
    """Sent by the scheduler once the 继续备案 window of the current validity has opened."""

    action: ClassVar[Action] = Action.REMIND_RENEWAL
    valid_until: date
    window_opens: date


@dataclass(frozen=True)
class AssignInstitutionCode:
    action: ClassVar[Action] = Action.ASSIGN_INSTITUTION_CODE
    institution_code: str


@dataclass(frozen=True)
class RecordInstitutionSerial:
    """The serial the provincial centre assigned (certificate number positions 8–13)."""

    action: ClassVar[Action] = Action.RECORD_INSTITUTION_SERIAL
    institution_serial: str
    on: date | None = None


Command = (
    Submit
    | Resubmit
    | ReturnForChanges
    | AcceptForNotice
    | Reject
    | RaiseObjection
    | ResolveObjection
    | EndNotice
    | Suspend
    | Reinstate
    | Revoke
    | AssignInstitutionCode
    | RecordInstitutionSerial
    | EndSuspension
    | RequestRenewal
    | Renew
    | RefuseRenewal
    | Lapse
    | RemindRenewal
)
