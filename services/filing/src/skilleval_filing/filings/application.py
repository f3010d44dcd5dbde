"""附件1 企业技能人才自主评价备案申请表: the submitted form and the draft it grows from.

Titles are the labels printed on the paper form, so messages can name fields as users know them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from skilleval_shared.domain_errors import InvalidRequest
from skilleval_shared.events.filing_parts import Affiliation, EnterpriseNature
from skilleval_shared.fields import LongText, Name, SectionText, ShortText
from skilleval_shared.validation import USCC, Email, Mobile, Phone

__all__ = [
    "Affiliation",
    "ApplicationDraft",
    "Commitment",
    "CommitmentDraft",
    "Contact",
    "ContactDraft",
    "EnterpriseNature",
    "FilingApplication",
    "Leader",
    "LeaderDraft",
    "complete_application",
    "missing_fields",
]


class Leader(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: Name = Field(title="负责人")
    position: ShortText = Field(title="负责人职务")
    phone: Phone = Field(title="负责人电话")


class Contact(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: Name = Field(title="联系人")
    position: ShortText = Field(title="联系人职务")
    phone: Phone = Field(title="联系人电话")
    mobile: Mobile = Field(title="联系人手机")


class Commitment(BaseModel):
    """申请单位承诺: the legal representative answers for the truth of form and materials."""

    model_config = ConfigDict(frozen=True)

    signatory: Name = Field(title="法人代表签字")
    signed_on: date = Field(title="承诺日期")
    confirmed: bool = Field(title="法人代表承诺确认")

    @field_validator("confirmed")
    @classmethod
    def _must_confirm(cls, confirmed: bool) -> bool:
        if not confirmed:
            raise ValueError("法人代表须承诺对所填写内容及所提供材料的真实性和有效性负责")
        return confirmed


class FilingApplication(BaseModel):
    model_config = ConfigDict(frozen=True)

    form_filler: Name = Field(title="填报人")
    form_filler_phone: Phone = Field(title="填报人联系电话")
    enterprise_name: ShortText = Field(title="企业名称")
    address: ShortText = Field(title="地址")
    registration_authority: ShortText = Field(title="注册登记机构")
    uscc: USCC = Field(title="统一社会信用代码")
    nature: EnterpriseNature = Field(title="企业性质")
    affiliation: Affiliation = Field(
        title="隶属关系", description="市属、区属及其他企业／省属企业／中央驻青企业"
    )
    business_scope: LongText = Field(title="业务范围")
    principal: Leader = Field(title="负责人")
    email: Email = Field(title="企业电子邮箱")
    contact: Contact = Field(title="联系人")
    basic_situation: SectionText = Field(
        title="企业基本情况、技能人才状况、职工教育经费提取使用、人力资源管理建设及评价、"
        "结果与薪酬待遇挂钩等情况"
    )
    venues_and_equipment: SectionText = Field(title="场地设备情况")
    staff_and_examiners: SectionText = Field(title="专职人员和考评人员情况")
    commitment: Commitment = Field(title="申请单位承诺")


# A draft takes a blank string as "not filled in" (a cleared form field); its schema says so.
BLANK = {"type": "string", "pattern": r"^\s*$", "title": "留空（未填写）"}
SCHEMA_KEYS = ("title", "description", "default")


def _blank_allowed(schema: dict[str, Any]) -> None:
    properties = schema.get("properties", {})
    for name, field in list(properties.items()):
        if "anyOf" in field:
            field["anyOf"].append(dict(BLANK))
            continue
        kept = {key: field[key] for key in SCHEMA_KEYS if key in field}
        typed = {key: value for key, value in field.items() if key not in SCHEMA_KEYS}
        properties[name] = kept | {"anyOf": [typed, dict(BLANK)]}


class _Draft(BaseModel):
    """Anything may be absent, but whatever is present must already be valid."""

    model_config = ConfigDict(frozen=True, json_schema_extra=_blank_allowed)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_absent(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str) and not value.strip():
            value = None
        if value is None and info.field_name is not None:
            return cls.model_fields[info.field_name].get_default(call_default_factory=True)
        return value


class LeaderDraft(_Draft):
    name: Name | None = None
    position: ShortText | None = None
    phone: Phone | None = None


class ContactDraft(_Draft):
    name: Name | None = None
    position: ShortText | None = None
    phone: Phone | None = None
    mobile: Mobile | None = None


class CommitmentDraft(_Draft):
    signatory: Name | None = None
    signed_on: date | None = None
    confirmed: bool = False


class ApplicationDraft(_Draft):
    form_filler: Name | None = None
    form_filler_phone: Phone | None = None
    enterprise_name: ShortText | None = None
    address: ShortText | None = None
    registration_authority: ShortText | None = None
    uscc: USCC | None = None
    nature: EnterpriseNature | None = None
    affiliation: Affiliation | None = None
    business_scope: LongText | None = None
    principal: LeaderDraft = Field(default_factory=LeaderDraft)
    email: Email | None = None
    contact: ContactDraft = Field(default_factory=ContactDraft)
    basic_situation: SectionText | None = None
    venues_and_equipment: SectionText | None = None
    staff_and_examiners: SectionText | None = None
    commitment: CommitmentDraft = Field(default_factory=CommitmentDraft)


def missing_fields(draft: ApplicationDraft) -> list[str]:
    """The form labels still to fill before the draft can be submitted, in form order."""
    return list(_missing(draft, FilingApplication))


def _missing(draft: BaseModel, complete: type[BaseModel]) -> Iterator[str]:
    # Labels come from the complete model, so the draft need not repeat them.
    for name, field in complete.model_fields.items():
        value = getattr(draft, name)
        if isinstance(value, BaseModel) and isinstance(field.annotation, type):
            yield from _missing(value, field.annotation)
        elif value is None or value is False:
            yield field.title or name


def complete_application(draft: ApplicationDraft) -> FilingApplication:
    """The submittable form, or ``InvalidRequest`` naming every missing field."""
    missing = missing_fields(draft)
    if missing:
        raise InvalidRequest(f"备案申请表尚未填写完整，缺少：{'、'.join(missing)}")
    return FilingApplication.model_validate(draft.model_dump())
