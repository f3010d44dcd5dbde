"""What the filing endpoints take and answer. The 附件1 and 附表 request bodies are the models
themselves (``ApplicationDraft``, ``CatalogTable``); the decisions' forms and the public objection
are here, as are the answers: the enterprise's and staff's view, the lists, the public notice."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from skilleval_filing.filings.application import missing_fields
from skilleval_filing.filings.conditions import ConditionCheck
from skilleval_filing.filings.history import HistoryEntry
from skilleval_filing.filings.jurisdiction import jurisdiction_view
from skilleval_filing.filings.lifecycle import Actor, FilingState, allowed_actions
from skilleval_filing.filings.materials import MaterialKind, missing_materials
from skilleval_filing.filings.model import FilingRecord, Objection, UploadedMaterial
from skilleval_filing.filings.remarks import Remark
from skilleval_shared.fields import LongText, Name
from skilleval_shared.repository import Loaded
from skilleval_shared.validation import Email, Phone
from skilleval_shared.web.views import View

SERIAL_PENDING = "机构序号待省中心分配；分配并登记前不能编制证书编号"
EDITABLE = frozenset({FilingState.DRAFT, FilingState.RETURNED})


class _Form(BaseModel):
    model_config = ConfigDict(extra="forbid")


_CONDITIONS_TITLE = (
    "六项自主评价条件的审核结论：纳税与社保、规章制度、技能含量、职工教育经费、"
    "评价机构与场地设备、技能与薪酬挂钩，逐项填写符合或不符合及意见"
)


class ReturnForm(_Form):
    remarks: list[Remark] = Field(default_factory=list, title="逐条修改意见")
    conditions: list[ConditionCheck] = Field(
        default_factory=list, title=_CONDITIONS_TITLE + "（不符合的项目自动列入修改意见）"
    )


class RejectFiling(_Form):
    reason: str = Field(title="不予备案理由")
    remarks: list[Remark] = Field(default_factory=list, title="逐条意见")
    conditions: list[ConditionCheck] = Field(default_factory=list, title=_CONDITIONS_TITLE)


class AcceptForm(_Form):
    conditions: list[ConditionCheck] = Field(
        default_factory=list, title=_CONDITIONS_TITLE + "（六项均符合方可评估合格）"
    )


class ResolveForm(_Form):
    outcome: Literal["upheld", "dismissed"] = Field(title="处理结果：upheld 成立，dismissed 不成立")
    reason: str = Field(title="处理意见")


class SuspendForm(_Form):
    reason: str = Field(title="暂停原因")
    until: date | None = Field(default=None, title="暂停至")


class ReasonForm(_Form):
    reason: str = Field(title="理由")


class InstitutionCodeForm(_Form):
    institution_code: str = Field(
        title="机构代码（4位数字，国家部委核发；未核发为0000）", max_length=16
    )


class InstitutionSerialForm(_Form):
    institution_serial: str = Field(
        title="机构序号（证书编号第8–13位，6位数字，由省职业技能鉴定指导中心分配）", max_length=16
    )


class ObjectionSubmission(_Form):
    """A name is optional; a way to reach the objector is not, so the centre can verify."""

    text: LongText = Field(title="异议内容")
    name: Name | None = Field(default=None, title="姓名")
    contact_email: Email | None = Field(default=None, title="电子邮箱")
    contact_phone: Phone | None = Field(default=None, title="联系电话")

    @model_validator(mode="after")
    def _reachable(self) -> ObjectionSubmission:
        if self.contact_email is None and self.contact_phone is None:
            raise ValueError("请至少留下联系电话或电子邮箱中的一项")
        return self


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
    institution_serial: str | None = Field(title="机构序号（省中心分配；未分配为空）")
    institution_serial_pending: bool = Field(title="机构序号是否待省中心分配")
    institution_serial_note: str | None = Field(title="机构序号说明")
    jurisdiction: dict[str, Any] = Field(title="备案受理机构（按隶属关系）")
    conditions: list[dict[str, Any]] = Field(title="自主评价条件审核结论（最近一次审核）")
    history: list[dict[str, Any]] = Field(title="办理记录")
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
    institution_serial_pending: bool = Field(title="机构序号是否待省中心分配")


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


def filing_view(found: Loaded[FilingRecord], actor: Actor) -> dict[str, Any]:
    record, filing = found.state, found.state.filing
    staff = actor is not Actor.ENTERPRISE
    view: dict[str, Any] = {
        "filing_id": filing.filing_id,
        "uscc": filing.uscc,
        "status": filing.state.value,
        "status_label": filing.state.label,
        "version": found.version,
        "application": record.application.model_dump(mode="json"),
        "catalog": record.catalog.model_dump(mode="json") if record.catalog else None,
        "materials": [material_view(kind, record.materials.get(kind)) for kind in MaterialKind],
        "return_remarks": [remark.model_dump() for remark in filing.return_remarks],
        "status_reason": filing.status_reason,
        "notice": filing.notice.model_dump(mode="json") if filing.notice else None,
        "objections": [_objection(objection, staff=staff) for objection in filing.objections],
        "receipt": _receipt(record),
        "institution_code": filing.institution_code,
        "institution_serial": filing.institution_serial,
        "institution_serial_pending": filing.institution_serial is None,
        "institution_serial_note": SERIAL_PENDING if filing.institution_serial is None else None,
        "jurisdiction": jurisdiction_view(record.application.affiliation),
        "conditions": [condition_view(finding) for finding in filing.conditions],
        "history": [history_view(entry) for entry in filing.history],
        "allowed_actions": [action.value for action in allowed_actions(filing.state, actor)],
    }
    if filing.state in EDITABLE:
        view["missing"] = missing_parts(record)
    return view


def missing_parts(record: FilingRecord) -> dict[str, Any]:
    """What submission would still ask for, so the enterprise can see it before submitting."""
    return {
        "fields": missing_fields(record.application),
        "materials": [_kind(kind) for kind in missing_materials(record.materials)],
        "catalog": record.catalog is None,
    }


def summary_view(found: Loaded[FilingRecord]) -> dict[str, Any]:
    """One line of a staff list."""
    filing = found.state.filing
    return {
        "filing_id": filing.filing_id,
        "uscc": filing.uscc,
        "enterprise_name": found.state.application.enterprise_name,
        "status": filing.state.value,
        "status_label": filing.state.label,
        "version": found.version,
        "notice": filing.notice.model_dump(mode="json") if filing.notice else None,
        "unresolved_objections": len(filing.unresolved_objections),
        "institution_serial_pending": filing.institution_serial is None,
    }


def notice_view(record: FilingRecord, today: date) -> dict[str, Any]:
    """The public notice (公示): who, what they will evaluate, and until when; no contacts."""
    notice = record.filing.notice
    assert notice is not None, "a filing on notice always has a notice window"
    catalog = record.catalog
    return {
        "filing_id": record.filing_id,
        "uscc": record.uscc,
        "enterprise_name": record.application.enterprise_name,
        "enterprise_short_name": catalog.header.short_name if catalog else None,
        "notice": {
            "starts_on": notice.starts_on.isoformat(),
            "ends_on": notice.ends_on.isoformat(),
            "working_days": notice.working_days,
        },
        "accepting_objections": notice.accepts_objection_on(today),
        "catalog": [
            {
                "occupation_name": row.occupation_name,
                "occupation_code": row.occupation_code,
                "work_type": row.work_type or "--",
                "levels": row.levels_text,
                "standard": row.standard.value,
            }
            for row in (catalog.rows if catalog else ())
        ],
    }


def condition_view(finding: ConditionCheck) -> dict[str, Any]:
    return {
        "number": finding.condition.number,
        "condition": finding.condition.value,
        "label": finding.condition.label,
        "text": finding.condition.text,
        "met": finding.met,
        "verdict": finding.verdict,
        "remark": finding.remark,
    }


def history_view(entry: HistoryEntry) -> dict[str, Any]:
    view = entry.model_dump(mode="json", exclude={"findings"})
    return view | {"findings": [condition_view(finding) for finding in entry.findings]}


def _kind(kind: MaterialKind) -> dict[str, Any]:
    return {"item": kind.number, "kind": kind.value, "label": kind.label}


def material_view(kind: MaterialKind, material: UploadedMaterial | None) -> dict[str, Any]:
    return {**_kind(kind), "file": material.model_dump(mode="json") if material else None}


def _objection(objection: Objection, *, staff: bool) -> dict[str, Any]:
    view = objection.model_dump(mode="json")
    if not staff:
        # The enterprise sees what was objected and how it was decided, never by whom.
        for private in ("objector_name", "contact_email", "contact_phone"):
            view.pop(private, None)
    return view


def _receipt(record: FilingRecord) -> dict[str, Any] | None:
    receipt = record.filing.receipt
    if receipt is None:
        return None
    return {
        **receipt.model_dump(mode="json"),
        "certificate_number_prefix": receipt.certificate_number_prefix,
    }
