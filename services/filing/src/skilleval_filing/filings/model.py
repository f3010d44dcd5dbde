"""The filing aggregate: a ``FilingRecord`` holds the lifecycle (``Filing``: state, notice,
objections, receipt) and what the enterprise fills in beside it: the application form (附件1)
and the catalog (附表) as their models, and the uploaded materials (附件2).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from skilleval_filing.catalog.table import CatalogTable
from skilleval_filing.filings.application import ApplicationDraft
from skilleval_filing.filings.conditions import ConditionCheck
from skilleval_filing.filings.history import HistoryEntry
from skilleval_filing.filings.lifecycle import FilingState
from skilleval_filing.filings.materials import MaterialKind
from skilleval_filing.filings.notice_calendar import NoticeWindow
from skilleval_filing.filings.receipt import DEFAULT_INSTITUTION_CODE, Receipt
from skilleval_filing.filings.remarks import Remark
from skilleval_shared.events.filing_parts import RevocationGround
from skilleval_shared.validation import USCC


class ObjectionStatus(StrEnum):
    RAISED = "raised"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


class Objection(BaseModel):
    model_config = ConfigDict(frozen=True)

    objection_id: str
    raised_on: date
    text: str
    contact_email: str | None = None
    objector_name: str | None = None
    contact_phone: str | None = None
    status: ObjectionStatus = ObjectionStatus.RAISED
    reason: str | None = None
    resolved_on: date | None = None


class Filing(BaseModel):
    model_config = ConfigDict(frozen=True)

    filing_id: str
    uscc: USCC
    state: FilingState = FilingState.DRAFT
    version: int = 0
    return_remarks: tuple[Remark, ...] = ()
    notice: NoticeWindow | None = None
    objections: tuple[Objection, ...] = ()
    receipt: Receipt | None = None
    # Certificate number positions 2–5, from the national ministry; "0000" until it assigns one.
    institution_code: str = DEFAULT_INSTITUTION_CODE
    # Certificate number positions 8–13, assigned by the provincial centre and recorded by staff;
    # None until then, and no certificate can be numbered without it.
    institution_serial: str | None = None
    # Why the filing was last rejected, suspended, reinstated or revoked.
    status_reason: str | None = None
    # The findings on the six 自主评价条件 at the last review (accept, return or reject).
    conditions: tuple[ConditionCheck, ...] = ()
    history: tuple[HistoryEntry, ...] = ()
    # The exit mechanism (filings/exits.py): the end a suspension was given, the grounds of a
    # revocation, and 继续备案 (the validity accepted last, a request awaiting the centre).
    suspended_until: date | None = None
    revocation_grounds: tuple[RevocationGround, ...] = ()
    renewed_until: date | None = None
    renewal_requested_on: date | None = None
    # The validity end the enterprise was last reminded of (FilingRenewalDue), once a period.
    renewal_reminded_for: date | None = None

    @property
    def unresolved_objections(self) -> tuple[Objection, ...]:
        return tuple(o for o in self.objections if o.status is ObjectionStatus.RAISED)

    def notice_can_end(self, today: date) -> bool:
        """True when ``EndNotice`` on ``today`` would file it (so a receipt is worth allocating)."""
        return (
            self.state is FilingState.ON_NOTICE
            and self.notice is not None
            and self.notice.has_ended_by(today)
            and not self.unresolved_objections
        )


def start_filing(filing_id: str, uscc: str) -> Filing:
    return Filing(filing_id=filing_id, uscc=uscc)


class UploadedMaterial(BaseModel):
    """One 附件2 file as uploaded: where it is kept and its SHA-256."""

    model_config = ConfigDict(frozen=True)

    file_id: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_at: datetime


class FilingRecord(BaseModel):
    """What is stored per filing (kind ``filing``, id ``<USCC>-<n>``)."""

    model_config = ConfigDict(frozen=True)

    filing: Filing
    application: ApplicationDraft = Field(default_factory=ApplicationDraft)
    catalog: CatalogTable | None = None
    materials: dict[MaterialKind, UploadedMaterial] = Field(default_factory=dict)

    @property
    def filing_id(self) -> str:
        return self.filing.filing_id

    @property
    def uscc(self) -> str:
        return self.filing.uscc

    @property
    def state(self) -> FilingState:
        return self.filing.state
