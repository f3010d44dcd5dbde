"""信用档案: credit records kept per enterprise by city-centre staff, one file per enterprise."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from skilleval_filing.filings.lifecycle import STAFF, Actor
from skilleval_shared.domain_errors import NotPermitted
from skilleval_shared.events.filing_parts import CreditKind
from skilleval_shared.fields import LongText, ShortText
from skilleval_shared.validation import USCC

__all__ = [
    "KIND_LABELS",
    "CreditEntry",
    "CreditFile",
    "CreditKind",
    "CreditRecord",
    "record_credit",
]

KIND_LABELS = {
    CreditKind.COMMENDATION: "良好信用（表扬）",
    CreditKind.WARNING: "警示",
    CreditKind.VIOLATION: "违规失信",
}


class CreditRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    record_id: str
    uscc: USCC = Field(title="统一社会信用代码")
    kind: CreditKind = Field(title="信用记录类型")
    description: LongText = Field(title="记录事由")
    recorded_on: date = Field(title="记录日期")
    # What led to it, e.g. a complaint or inspection id, so the record can be traced back.
    reference_id: ShortText | None = Field(default=None, title="来源")

    @property
    def is_bad(self) -> bool:
        return self.kind is not CreditKind.COMMENDATION


class CreditEntry(BaseModel):
    """A record in the file, with who wrote it and when."""

    model_config = ConfigDict(frozen=True)

    record: CreditRecord
    recorded_by: str
    recorded_at: datetime


class CreditFile(BaseModel):
    """The aggregate (kind ``credit``, id USCC): an enterprise's records, appended to."""

    model_config = ConfigDict(frozen=True)

    uscc: str
    entries: tuple[CreditEntry, ...] = ()

    def with_entry(self, entry: CreditEntry) -> CreditFile:
        return self.model_copy(update={"entries": (*self.entries, entry)})


def record_credit(
    *,
    actor: Actor,
    record_id: str,
    uscc: str,
    kind: CreditKind,
    description: str,
    on: date,
    reference_id: str | None = None,
) -> CreditRecord:
    """Raises ``NotPermitted`` for non-staff and pydantic's ``ValidationError`` for bad input."""
    if actor not in STAFF:
        raise NotPermitted(f"“{actor.label}”无权记录信用档案")
    return CreditRecord(
        record_id=record_id,
        uscc=uscc,
        kind=kind,
        description=description,
        recorded_on=on,
        reference_id=reference_id,
    )
