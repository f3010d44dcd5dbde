"""The filing aggregate: lifecycle state, notice, objections and receipt of one filing.

Stored as ``filing.model_dump(mode="json")`` and loaded with ``Filing.model_validate``; the
application form, materials and catalog are kept beside it, not inside.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from skilleval_filing.filings.lifecycle import FilingState
from skilleval_filing.filings.notice_calendar import NoticeWindow
from skilleval_filing.filings.receipt import DEFAULT_INSTITUTION_CODE, Receipt
from skilleval_filing.filings.remarks import Remark
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
    # Why the filing was last rejected, suspended, reinstated or revoked.
    status_reason: str | None = None

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
