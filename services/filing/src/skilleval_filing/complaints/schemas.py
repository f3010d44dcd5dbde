"""What the complaint endpoints take, and answer: progress for the public, the case for staff."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from skilleval_filing.complaints.model import (
    KIND_LABELS,
    OUTCOME_LABELS,
    ComplaintForm,
    ComplaintOutcome,
    ComplaintRecord,
)
from skilleval_shared.web.views import View


class ComplaintProgress(View):
    complaint_id: str = Field(title="投诉举报编号")
    kind: str = Field(title="类别代码：complaint 投诉，report 举报")
    kind_label: str = Field(title="类别")
    status: str = Field(title="办理状态")
    status_label: str = Field(title="状态名称")
    received_on: str = Field(title="受理日期")
    resolved_on: str | None = Field(title="办结日期")
    outcome: str | None = Field(title="核实结论代码：substantiated 属实，unsubstantiated 不属实")
    outcome_label: str | None = Field(title="核实结论")


class ComplaintCase(ComplaintProgress):
    target_uscc: str = Field(title="被投诉企业统一社会信用代码")
    text: str = Field(title="投诉举报内容")
    certificate_number: str | None = Field(title="涉及的证书编号")
    submitter_name: str | None = Field(title="投诉举报人")
    contact_phone: str | None = Field(title="联系电话")
    contact_email: str | None = Field(title="电子邮箱")
    resolution: str | None = Field(title="处理结果")
    handled_by: str | None = Field(title="核实人")
    resolved_by: str | None = Field(title="办结人")
    received_at: str = Field(title="受理时间")


class ComplaintList(View):
    items: list[ComplaintCase] = Field(title="投诉举报")


class ComplaintSubmission(ComplaintForm):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ResolveComplaint(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: ComplaintOutcome = Field(title="核实结论：substantiated 属实，unsubstantiated 不属实")
    resolution: str = Field(min_length=1, max_length=2000, title="处理结果")


def progress(record: ComplaintRecord) -> dict[str, Any]:
    """What the complainant can follow without logging in: progress, never personal details."""
    complaint = record.complaint
    return {
        "complaint_id": complaint.complaint_id,
        "kind": complaint.form.kind.value,
        "kind_label": KIND_LABELS[complaint.form.kind],
        "status": complaint.state.value,
        "status_label": complaint.state.label,
        "received_on": complaint.received_on.isoformat(),
        "resolved_on": complaint.resolved_on.isoformat() if complaint.resolved_on else None,
        "outcome": complaint.outcome.value if complaint.outcome else None,
        "outcome_label": OUTCOME_LABELS[complaint.outcome] if complaint.outcome else None,
    }


def case(record: ComplaintRecord) -> dict[str, Any]:
    complaint = record.complaint
    return progress(record) | {
        "target_uscc": complaint.form.target_uscc,
        "text": complaint.form.text,
        "certificate_number": complaint.form.certificate_number,
        "submitter_name": complaint.form.submitter_name,
        "contact_phone": complaint.form.contact_phone,
        "contact_email": complaint.form.contact_email,
        "resolution": complaint.resolution,
        "handled_by": record.handled_by,
        "resolved_by": record.resolved_by,
        "received_at": record.received_at.isoformat(),
    }
