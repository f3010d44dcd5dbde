"""What an enterprise sends to change its catalog, and what a reviewer sends to refuse it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from skilleval_filing.catalog.changes import Operation
from skilleval_filing.filings.remarks import Remark
from skilleval_shared.fields import OptionalLongText
from skilleval_shared.web.views import View

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


class CatalogCurrent(View):
    uscc: str = Field(title="统一社会信用代码")
    filing_id: str = Field(title="备案申请编号")
    version: int = Field(title="目录版本")
    effective_on: str = Field(title="生效日期")
    catalog: dict[str, Any] = Field(title="目录清单")


class VersionEntry(View):
    version: int = Field(title="目录版本")
    change_id: str | None = Field(title="目录调整申请编号（备案时为空）")
    effective_on: str = Field(title="生效日期")
    source: str = Field(title="来源：备案或目录调整")


class CatalogHistory(View):
    uscc: str = Field(title="统一社会信用代码")
    filing_id: str = Field(title="备案申请编号")
    current_version: int = Field(title="当前版本")
    versions: list[VersionEntry] = Field(title="各版本")


class CatalogVersionView(VersionEntry):
    catalog: dict[str, Any] = Field(title="该版本的目录清单")


class ChangeView(View):
    change_id: str = Field(title="目录调整申请编号")
    uscc: str = Field(title="统一社会信用代码")
    status: str = Field(title="状态")
    status_label: str = Field(title="状态名称")
    base_version: int = Field(title="据以调整的目录版本")
    operations: list[dict[str, Any]] = Field(title="调整内容")
    explanation: str = Field(title="调整说明")
    submitted_on: str = Field(title="申请日期")
    submitted_by: str = Field(title="申请人")
    submitted_at: str = Field(title="申请时间")
    decided_by: str | None = Field(title="审核人")
    decided_at: str | None = Field(title="审核时间")
    reason: str | None = Field(title="不予通过的理由")
    remarks: list[dict[str, Any]] = Field(title="逐条意见")
    made_version: int | None = Field(title="通过后生效的目录版本")


class ProposedChange(ChangeView):
    proposed_version: int = Field(title="通过后的目录版本")
    proposed_catalog: dict[str, Any] = Field(title="通过后的目录清单")


class ChangeList(View):
    items: list[ChangeView] = Field(title="目录调整申请")
