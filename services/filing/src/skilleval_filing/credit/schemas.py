"""What staff send to record a credit entry, and what the credit endpoints answer."""

from __future__ import annotations

from pydantic import Field

from skilleval_filing.credit.service import CreditForm
from skilleval_shared.web.views import View

__all__ = ["CreditEntryView", "CreditForm", "CreditList"]


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
