"""What an enterprise sends to change its catalog, and what a reviewer sends to refuse it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from skilleval_filing.catalog.changes import Operation
from skilleval_filing.filings.remarks import Remark
from skilleval_shared.fields import OptionalLongText

MAX_OPERATIONS = 300


class ChangeForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    operations: tuple[Operation, ...] = Field(
        min_length=1, max_length=MAX_OPERATIONS, title="调整内容"
    )
    # The rules of the CatalogChangeSubmitted event's LongText, so the event always fits.
    explanation: OptionalLongText = Field(default=None, title="调整说明")


class RejectForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000, title="不予通过的理由")
    remarks: tuple[Remark, ...] = Field(default=(), max_length=100, title="逐条意见")
