"""What the complaint endpoints answer: progress for the public, the whole case for staff."""

from __future__ import annotations

from pydantic import Field

from skilleval_shared.web.views import View


class ComplaintProgress(View):
    complaint_id: str = Field(title="投诉举报编号")
    kind: str = Field(title="类别")
    status: str = Field(title="办理状态")
    status_label: str = Field(title="状态名称")
    received_on: str = Field(title="受理日期")
    resolved_on: str | None = Field(title="办结日期")
    outcome: str | None = Field(title="核实结论")


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
