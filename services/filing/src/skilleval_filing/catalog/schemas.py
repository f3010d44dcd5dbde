"""What an enterprise sends to change its catalog and a reviewer to refuse it, and what the
catalog endpoints answer: the current catalog, its history, one version, changes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from skilleval_filing.catalog.changes import Operation
from skilleval_filing.catalog.model import ChangeRecord, OpenBook, VersionRecord
from skilleval_filing.catalog.table import CatalogTable
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


class RejectChange(BaseModel):
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


def catalog_json(catalog: CatalogTable) -> dict[str, Any]:
    return catalog.model_dump(mode="json")


def current_view(opened: OpenBook) -> dict[str, Any]:
    book = opened.book
    return {
        "uscc": book.uscc,
        "filing_id": book.filing_id,
        "version": book.current.number,
        "effective_on": book.history[-1].effective_on.isoformat(),
        "catalog": catalog_json(book.current.catalog),
    }


def version_entry(opened: OpenBook, record: VersionRecord) -> dict[str, Any]:
    receipt = opened.filing.filing.receipt
    entry = record.model_dump(mode="json", exclude={"commit"})
    if record.change_id is None:
        entry["source"] = "备案"
        entry["receipt_number"] = receipt.number if receipt else None
    else:
        entry["source"] = "目录调整"
    return entry


def history_view(opened: OpenBook) -> dict[str, Any]:
    return {
        "uscc": opened.book.uscc,
        "filing_id": opened.book.filing_id,
        "current_version": opened.book.current.number,
        "versions": [version_entry(opened, record) for record in opened.book.history],
    }


def version_view(opened: OpenBook, record: VersionRecord, catalog: CatalogTable) -> dict[str, Any]:
    return version_entry(opened, record) | {"catalog": catalog_json(catalog)}


def change_view(uscc: str, record: ChangeRecord) -> dict[str, Any]:
    request = record.request
    return {
        "change_id": record.change_id,
        "uscc": uscc,
        "status": record.state.value,
        "status_label": record.state.label,
        "base_version": request.base_version,
        "operations": [op.model_dump(mode="json") for op in request.change.operations],
        "explanation": request.change.explanation,
        "submitted_on": request.submitted_on.isoformat(),
        "submitted_by": record.submitted_by,
        "submitted_at": record.submitted_at.isoformat(),
        "decided_by": record.decided_by,
        "decided_at": record.decided_at.isoformat() if record.decided_at else None,
        "reason": request.review.reason,
        "remarks": [remark.model_dump(mode="json") for remark in request.review.remarks],
        "made_version": record.made_version,
    }
