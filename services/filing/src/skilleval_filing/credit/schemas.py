"""What staff send to record a credit entry, and what the credit endpoints answer."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from skilleval_filing.credit.model import KIND_LABELS, CreditEntry, CreditKind
from skilleval_shared.fields import LongText
from skilleval_shared.web.views import View

Reference = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z:._/-]{0,63}$")]


class CreditForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: CreditKind = Field(title="信用记录类型")
    description: LongText = Field(title="记录事由")
    reference_id: Reference | None = Field(default=None, title="来源（如抽查或投诉编号）")


class CreditEntryView(View):
    record_id: str = Field(title="信用记录编号")
    uscc: str = Field(title="统一社会信用代码")
    kind: str = Field(title="信用记录类型")
    kind_label: str = Field(title="类型名称")
    description: str = Field(title="记录事由")
    recorded_on: str = Field(title="记录日期")
    reference_id: str | None = Field(title="来源")
    recorded_by: str = Field(title="记录人")
    recorded_at: str = Field(title="记录时间")


class CreditList(View):
    uscc: str = Field(title="统一社会信用代码")
    items: list[CreditEntryView] = Field(title="信用记录")


def entry_view(entry: CreditEntry) -> dict[str, Any]:
    return entry.record.model_dump(mode="json") | {
        "kind_label": KIND_LABELS[entry.record.kind],
        "recorded_by": entry.recorded_by,
        "recorded_at": entry.recorded_at.isoformat(),
    }
