"""Value objects carried by filing events: forms 附件1 and 附件2, inspections, complaints."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from skilleval_shared.events.fields import (
    Email,
    Identifier,
    LevelSet,
    LongText,
    Name,
    OccupationCode,
    Phone,
    Sha256,
    ShortText,
    Uscc,
    Value,
)

MAX_MATERIALS = 30
MAX_DRAWN = 100  # enterprises per inspection campaign (bounds the message size)
MAX_INSPECTORS = 3  # per drawn enterprise


class EnterpriseNature(StrEnum):
    STATE_OWNED = "国有"
    PRIVATE = "民营"
    MIXED = "混合制"
    FOREIGN = "外企"
    OTHER = "其他"


class Affiliation(StrEnum):
    """隶属关系, which decides where an enterprise files (青人社发〔2020〕7号 六（一））."""

    LOCAL = "市属、区属及其他企业"
    PROVINCIAL = "省属企业"
    CENTRAL = "中央驻青企业"


class Person(Value):
    name: Name
    title: ShortText | None = None  # 职务
    phone: Phone
    mobile: Phone | None = None


class FilingApplication(Value):
    """The structured part of 附件1; the free-text sections stay with the filing service."""

    enterprise_name: ShortText
    enterprise_short_name: ShortText | None = None
    address: ShortText
    postcode: str | None = Field(default=None, pattern=r"^[0-9]{6}$")
    website: ShortText | None = None
    registration_authority: ShortText  # 注册登记机构
    nature: EnterpriseNature
    business_scope: LongText
    principal: Person  # 负责人
    email: Email
    contact: Person  # 联系人
    affiliation: Affiliation = Affiliation.LOCAL  # 隶属关系


class MaterialFile(Value):
    """An uploaded filing material; ``item`` is its number 1–10 in 附件2."""

    item: int = Field(ge=1, le=10)
    file_id: Identifier
    filename: ShortText
    content_type: ShortText
    size_bytes: int = Field(ge=1)
    sha256: Sha256


class EntrustedScope(Value):
    """What an entrusted evaluation covers: an occupation (and 工种) and levels."""

    occupation_code: OccupationCode
    work_type: ShortText | None = None
    levels: LevelSet


class Inspector(Value):
    inspector_id: Identifier
    name: Name


class DrawnEnterprise(Value):
    uscc: Uscc
    enterprise_name: ShortText
    inspectors: tuple[Inspector, ...] = Field(min_length=1, max_length=MAX_INSPECTORS)


class InspectionOutcome(StrEnum):
    COMPLIANT = "compliant"
    RECTIFICATION_REQUIRED = "rectification_required"
    NON_COMPLIANT = "non_compliant"


class CreditKind(StrEnum):
    COMMENDATION = "commendation"
    WARNING = "warning"
    VIOLATION = "violation"


class ComplaintKind(StrEnum):
    COMPLAINT = "complaint"  # 投诉
    REPORT = "report"  # 举报


class ComplaintOutcome(StrEnum):
    SUBSTANTIATED = "substantiated"
    UNSUBSTANTIATED = "unsubstantiated"


class RevocationGroundKind(StrEnum):
    """取消评价资质 grounds as the regulation names them (八、(一))."""

    MISCONDUCT = "misconduct"  # 违规失信
    MISMANAGEMENT = "mismanagement"  # 管理失序
    OTHER = "other"  # 其他


class EvidenceKind(StrEnum):
    """What a revocation ground may cite: the supervision records filing keeps."""

    CREDIT = "credit"  # a credit record (信用档案)
    INSPECTION = "inspection"  # a random inspection (双随机抽查)
    COMPLAINT = "complaint"  # a complaint or report (投诉举报)


class Evidence(Value):
    kind: EvidenceKind
    evidence_id: Identifier


class RevocationGround(Value):
    kind: RevocationGroundKind
    explanation: LongText
    evidence: tuple[Evidence, ...] = Field(default=(), max_length=50)
