"""What the filing endpoints answer (request bodies are the 附件1 and 附表 models themselves and
the review forms in ``review_routes``)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from skilleval_shared.web.views import View


class MaterialKindView(View):
    item: int = Field(title="附件2序号")
    kind: str = Field(title="材料类别")
    label: str = Field(title="材料名称")


class MaterialView(MaterialKindView):
    file: dict[str, Any] | None = Field(title="已上传文件（未上传为空）")


class Missing(View):
    fields: list[str] = Field(title="申请表未填写的项目")
    materials: list[MaterialKindView] = Field(title="未上传的材料")
    catalog: bool = Field(title="是否尚未填写目录清单")


class FilingView(View):
    filing_id: str = Field(title="备案申请编号")
    uscc: str = Field(title="统一社会信用代码")
    status: str = Field(title="状态")
    status_label: str = Field(title="状态名称")
    version: int = Field(title="版本")
    application: dict[str, Any] = Field(title="备案申请表（附件1）")
    catalog: dict[str, Any] | None = Field(title="目录清单（附表）")
    materials: list[MaterialView] = Field(title="备案材料（附件2）")
    return_remarks: list[dict[str, Any]] = Field(title="退回修改意见")
    status_reason: str | None = Field(title="状态原因")
    notice: dict[str, Any] | None = Field(title="公示期")
    objections: list[dict[str, Any]] = Field(title="异议")
    receipt: dict[str, Any] | None = Field(title="备案回执")
    institution_code: str = Field(title="机构代码")
    allowed_actions: list[str] = Field(title="当前可执行的操作")
    missing: Missing | None = Field(default=None, title="提交前尚缺的内容（草稿与退回时）")


class FilingSummary(View):
    filing_id: str = Field(title="备案申请编号")
    uscc: str = Field(title="统一社会信用代码")
    enterprise_name: str | None = Field(title="企业名称")
    status: str = Field(title="状态")
    status_label: str = Field(title="状态名称")
    version: int = Field(title="版本")
    notice: dict[str, Any] | None = Field(title="公示期")
    unresolved_objections: int = Field(title="未处理的异议数")


class FilingList(View):
    status: str = Field(title="状态")
    items: list[FilingSummary] = Field(title="备案申请")


class NoticeEntry(View):
    filing_id: str = Field(title="备案申请编号")
    uscc: str = Field(title="统一社会信用代码")
    enterprise_name: str | None = Field(title="企业名称")
    enterprise_short_name: str | None = Field(title="机构简称")
    notice: dict[str, Any] = Field(title="公示期")
    accepting_objections: bool = Field(title="是否受理异议")
    catalog: list[dict[str, Any]] = Field(title="评价职业（工种）")


class NoticeList(View):
    as_of: str = Field(title="日期")
    items: list[NoticeEntry] = Field(title="公示中的备案")


class ObjectionReceived(View):
    objection_id: str = Field(title="异议编号")
    filing_id: str = Field(title="备案申请编号")


class MaterialUploaded(MaterialKindView):
    file: dict[str, Any] = Field(title="已上传文件")
