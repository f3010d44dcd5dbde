"""What happened to a filing, named after the shared ``filing.events.v1`` schemas they map to.

The service adds what the domain does not hold: the application content, enterprise name,
who decided, timestamps.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from skilleval_filing.filings.notice_calendar import NoticeWindow
from skilleval_filing.filings.receipt import Receipt
from skilleval_filing.filings.remarks import Remark


class FilingEvent(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: ClassVar[str]
    filing_id: str
    uscc: str


class FilingSubmitted(FilingEvent):
    name: ClassVar[str] = "filing.submitted"


class FilingResubmitted(FilingEvent):
    name: ClassVar[str] = "filing.resubmitted"


class FilingReturned(FilingEvent):
    name: ClassVar[str] = "filing.returned"
    remarks: tuple[Remark, ...]


class FilingAccepted(FilingEvent):
    name: ClassVar[str] = "filing.accepted"


class NoticeStarted(FilingEvent):
    name: ClassVar[str] = "notice.started"
    notice: NoticeWindow


class ObjectionRaised(FilingEvent):
    """Without the objector's name, which stays with the filing for staff only."""

    name: ClassVar[str] = "objection.raised"
    objection_id: str
    raised_on: date
    text: str
    contact_email: str | None


class ObjectionUpheld(FilingEvent):
    name: ClassVar[str] = "objection.upheld"
    objection_id: str
    reason: str


class ObjectionDismissed(FilingEvent):
    name: ClassVar[str] = "objection.dismissed"
    objection_id: str
    reason: str


class NoticeClosed(FilingEvent):
    name: ClassVar[str] = "notice.closed"
    objection_count: int
    upheld_count: int


class FilingRejected(FilingEvent):
    name: ClassVar[str] = "filing.rejected"
    reason: str
    remarks: tuple[Remark, ...] = ()
    upheld_objection_ids: tuple[str, ...] = ()


class FilingFiled(FilingEvent):
    name: ClassVar[str] = "filing.filed"
    receipt: Receipt


class FilingSuspended(FilingEvent):
    name: ClassVar[str] = "filing.suspended"
    reason: str
    until: date | None = None


class FilingReinstated(FilingEvent):
    name: ClassVar[str] = "filing.reinstated"
    reason: str


class FilingRevoked(FilingEvent):
    name: ClassVar[str] = "filing.revoked"
    reason: str


class InstitutionCodeAssigned(FilingEvent):
    name: ClassVar[str] = "filing.institution_code_assigned"
    institution_code: str
    previous_code: str
