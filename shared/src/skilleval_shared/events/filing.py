"""Events of the filing service: filing (备案), public notice, catalog changes, entrusted
evaluation, random inspections, credit records, complaints, suspension and revocation.

All are keyed by the enterprise's USCC, so each enterprise's history stays in order; only the
inspection campaign, which spans many enterprises, is keyed by its own id.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal, Self

from pydantic import Field, model_validator

from skilleval_shared import topics
from skilleval_shared.envelope import EventData
from skilleval_shared.events.fields import (
    Catalog,
    CertificateNumber,
    Count,
    Email,
    Identifier,
    InstitutionCategory,
    InstitutionCode,
    InstitutionSerial,
    LongText,
    Name,
    OptionalRemarks,
    Phone,
    ProvinceCode,
    Remarks,
    Sha256,
    ShortText,
    Uscc,
    Value,
)
from skilleval_shared.events.filing_parts import (
    MAX_DRAWN,
    MAX_MATERIALS,
    ComplaintKind,
    ComplaintOutcome,
    CreditKind,
    DrawnEnterprise,
    EntrustedScope,
    FilingApplication,
    InspectionOutcome,
    MaterialFile,
    RevocationGround,
)
from skilleval_shared.fields import RemarkText


class FilingEvent(EventData):
    service: ClassVar[str] = "filing"
    topic: ClassVar[str] = topics.FILING_EVENTS
    key_field: ClassVar[str] = "uscc"
    subject_field: ClassVar[str] = "filing_id"

    uscc: Uscc


class EnterpriseRegistered(FilingEvent):
    aggregate: ClassVar[str] = "enterprise"
    action: ClassVar[str] = "registered"
    subject_field: ClassVar[str] = "uscc"

    enterprise_name: ShortText
    email: Email
    contact_name: Name
    contact_phone: Phone


class _FilingContent(FilingEvent):
    """The application (附件1), its catalog (附表) and the digests of the materials (附件2)."""

    aggregate: ClassVar[str] = "filing"

    filing_id: Identifier
    application: FilingApplication
    catalog: Catalog
    materials: tuple[MaterialFile, ...] = Field(min_length=1, max_length=MAX_MATERIALS)


class FilingSubmitted(_FilingContent):
    action: ClassVar[str] = "submitted"


class FilingResubmitted(_FilingContent):
    """Submitted again after being returned for amendment."""

    action: ClassVar[str] = "resubmitted"


class _FilingDecision(FilingEvent):
    aggregate: ClassVar[str] = "filing"

    filing_id: Identifier
    decided_by: Identifier


class FilingReturned(_FilingDecision):
    action: ClassVar[str] = "returned"

    remarks: Remarks


class FilingAccepted(_FilingDecision):
    """The city centre's evaluation passed: the filing goes on public notice."""

    action: ClassVar[str] = "accepted"


class FilingRejected(_FilingDecision):
    action: ClassVar[str] = "rejected"

    reason: LongText
    remarks: OptionalRemarks = ()
    upheld_objection_ids: tuple[Identifier, ...] = Field(default=(), max_length=100)


class FilingFiled(FilingEvent):
    """The filing receipt (备案回执) is issued: the enterprise is an evaluation institution."""

    aggregate: ClassVar[str] = "filing"
    action: ClassVar[str] = "filed"

    filing_id: Identifier
    receipt_number: Identifier
    filed_on: date
    enterprise_name: ShortText
    enterprise_short_name: ShortText | None = None
    address: ShortText
    email: Email
    institution_category: InstitutionCategory = InstitutionCategory.EMPLOYER
    institution_code: InstitutionCode = "0000"
    province_code: ProvinceCode = "37"
    # Assigned by the province and recorded by staff (InstitutionSerialRecorded); None until then.
    institution_serial: InstitutionSerial | None = None
    catalog_version: int = Field(default=1, ge=1)
    catalog: Catalog


class _FilingStatusChange(FilingEvent):
    aggregate: ClassVar[str] = "filing"

    filing_id: Identifier
    decided_by: Identifier
    reason: LongText


class FilingSuspended(_FilingStatusChange):
    action: ClassVar[str] = "suspended"

    until: date | None = None


class FilingReinstated(_FilingStatusChange):
    action: ClassVar[str] = "reinstated"


class FilingRevoked(_FilingStatusChange):
    """The qualification is withdrawn (取消评价资质); the directory shows it as revoked."""

    action: ClassVar[str] = "revoked"

    # 取消评价资质: the grounds and the supervision records behind them (empty before they
    # were recorded).
    grounds: tuple[RevocationGround, ...] = Field(default=(), max_length=3)


class InstitutionCodeAssigned(FilingEvent):
    """The national institution code (certificate number positions 2–5) was set by the city
    centre; certificates numbered from now on carry it. ``0000`` until the ministry assigns one."""

    aggregate: ClassVar[str] = "filing"
    action: ClassVar[str] = "institution-code-assigned"

    filing_id: Identifier
    decided_by: Identifier
    institution_code: InstitutionCode
    previous_code: InstitutionCode


class InstitutionSerialRecorded(FilingEvent):
    """The institution serial (certificate number positions 8–13), assigned by the provincial
    centre, was recorded on the filing by staff; certificates can be numbered from now on."""

    aggregate: ClassVar[str] = "filing"
    action: ClassVar[str] = "institution-serial-recorded"

    filing_id: Identifier
    decided_by: Identifier
    institution_serial: InstitutionSerial
    previous_serial: InstitutionSerial | None = None


# The six 自主评价条件 (青人社发〔2020〕7号 三（一）), in the regulation's order.
ENTERPRISE_CONDITIONS: dict[str, str] = {
    "tax_and_social_security": "依法经营，按章纳税，规范管理（纳税与社保）",
    "personnel_rules": "技能人才培养、评价、使用和激励机制及人力资源管理制度（规章制度）",
    "skill_content": "拟评价职业（工种）技能含量高且与本单位业务直接相关（技能含量）",
    "education_funds": "按规定提取职工教育经费，有稳定的经费保障（职工教育经费）",
    "evaluation_body": "设立评价机构，有考评人员及相适应的场地设备（评价机构与场地设备）",
    "pay_linked": "自主评价结果与薪酬待遇挂钩（技能与薪酬挂钩）",
}
EnterpriseCondition = Literal[
    "tax_and_social_security",
    "personnel_rules",
    "skill_content",
    "education_funds",
    "evaluation_body",
    "pay_linked",
]


class ConditionFinding(Value):
    """The reviewer's finding on one condition: met (符合) or not (不符合), and why."""

    condition: EnterpriseCondition
    met: bool
    remark: RemarkText


class FilingConditionsReviewed(FilingEvent):
    """The city centre's finding on each of the six 自主评价条件, recorded with the decision
    (accepted for notice, returned or rejected) it was made for."""

    aggregate: ClassVar[str] = "filing"
    action: ClassVar[str] = "conditions-reviewed"

    filing_id: Identifier
    decided_by: Identifier
    findings: tuple[ConditionFinding, ...] = Field(min_length=6, max_length=6)

    @model_validator(mode="after")
    def _each_condition_once(self) -> Self:
        if sorted(f.condition for f in self.findings) != sorted(ENTERPRISE_CONDITIONS):
            raise ValueError("each of the six conditions must have exactly one finding")
        return self


class NoticeStarted(FilingEvent):
    aggregate: ClassVar[str] = "notice"
    action: ClassVar[str] = "started"

    filing_id: Identifier
    enterprise_name: ShortText
    starts_on: date
    ends_on: date
    working_days: int = Field(ge=1, le=60)

    @model_validator(mode="after")
    def _ends_after_start(self) -> Self:
        if self.ends_on < self.starts_on:
            raise ValueError("the notice period ends before it starts")
        return self


class NoticeClosed(FilingEvent):
    """The notice period is over; the filing is filed next unless an objection was upheld."""

    aggregate: ClassVar[str] = "notice"
    action: ClassVar[str] = "closed"

    filing_id: Identifier
    objection_count: Count
    upheld_count: Count


class ObjectionRaised(FilingEvent):
    aggregate: ClassVar[str] = "objection"
    action: ClassVar[str] = "raised"
    subject_field: ClassVar[str] = "objection_id"

    objection_id: Identifier
    filing_id: Identifier
    text: LongText
    contact_email: Email | None = None


class _ObjectionDecision(FilingEvent):
    aggregate: ClassVar[str] = "objection"
    subject_field: ClassVar[str] = "objection_id"

    objection_id: Identifier
    filing_id: Identifier
    decided_by: Identifier
    reason: LongText


class ObjectionUpheld(_ObjectionDecision):
    action: ClassVar[str] = "upheld"


class ObjectionDismissed(_ObjectionDecision):
    action: ClassVar[str] = "dismissed"


class CatalogChangeSubmitted(FilingEvent):
    """A request to add or remove occupations, 工种 or levels, as the whole proposed catalog."""

    aggregate: ClassVar[str] = "catalog-change"
    action: ClassVar[str] = "submitted"
    subject_field: ClassVar[str] = "change_id"

    change_id: Identifier
    filing_id: Identifier
    base_version: int = Field(ge=1)
    proposed_catalog: Catalog
    explanation: LongText | None = None


class CatalogChangeRejected(FilingEvent):
    aggregate: ClassVar[str] = "catalog-change"
    action: ClassVar[str] = "rejected"
    subject_field: ClassVar[str] = "change_id"

    change_id: Identifier
    filing_id: Identifier
    decided_by: Identifier
    reason: LongText
    remarks: OptionalRemarks = ()


class CatalogChanged(FilingEvent):
    """An accepted catalog change: from now on the enterprise evaluates exactly this catalog."""

    aggregate: ClassVar[str] = "catalog"
    action: ClassVar[str] = "changed"

    filing_id: Identifier
    change_id: Identifier
    catalog_version: int = Field(ge=2)
    catalog: Catalog


class _EntrustmentEvent(FilingEvent):
    """委托评价: the filed enterprise ``uscc`` evaluates the workers of ``client_uscc``."""

    aggregate: ClassVar[str] = "entrustment"
    subject_field: ClassVar[str] = "entrustment_id"

    entrustment_id: Identifier
    client_uscc: Uscc
    client_name: ShortText


class _EntrustmentTerms(_EntrustmentEvent):
    scope: tuple[EntrustedScope, ...] = Field(min_length=1, max_length=100)
    valid_from: date
    valid_until: date
    agreement_sha256: Sha256

    @model_validator(mode="after")
    def _valid_period(self) -> Self:
        if self.valid_until < self.valid_from:
            raise ValueError("the agreement ends before it starts")
        return self


class EntrustmentSubmitted(_EntrustmentTerms):
    action: ClassVar[str] = "submitted"


class EntrustmentAccepted(_EntrustmentTerms):
    action: ClassVar[str] = "accepted"

    decided_by: Identifier


class EntrustmentRejected(_EntrustmentEvent):
    action: ClassVar[str] = "rejected"

    decided_by: Identifier
    reason: LongText


class InspectionDrawn(EventData):
    """双随机: one campaign over many enterprises, so keyed by the campaign, not by an enterprise.

    Reproducible: the same seed over the same pools gives the same draw.
    """

    service: ClassVar[str] = "filing"
    topic: ClassVar[str] = topics.FILING_EVENTS
    aggregate: ClassVar[str] = "inspection"
    action: ClassVar[str] = "drawn"
    key_field: ClassVar[str] = "inspection_id"
    subject_field: ClassVar[str] = "inspection_id"

    inspection_id: Identifier
    seed: Annotated[str, Field(min_length=1, max_length=128)]
    pool_size: int = Field(ge=1)
    inspector_pool_size: int = Field(ge=1)
    drawn: tuple[DrawnEnterprise, ...] = Field(min_length=1, max_length=MAX_DRAWN)


class InspectionPublished(FilingEvent):
    """一公开: the result of one drawn enterprise's inspection, made public."""

    aggregate: ClassVar[str] = "inspection"
    action: ClassVar[str] = "published"
    subject_field: ClassVar[str] = "inspection_id"

    inspection_id: Identifier
    enterprise_name: ShortText
    published_on: date
    outcome: InspectionOutcome
    findings: LongText


class CreditRecorded(FilingEvent):
    aggregate: ClassVar[str] = "credit"
    action: ClassVar[str] = "recorded"
    subject_field: ClassVar[str] = "record_id"

    record_id: Identifier
    kind: CreditKind
    description: LongText
    recorded_by: Identifier
    # What the record comes from, e.g. an inspection or complaint id.
    reference_id: Identifier | None = None


class ComplaintSubmitted(FilingEvent):
    """A complaint or report (投诉举报) about the enterprise ``uscc``."""

    aggregate: ClassVar[str] = "complaint"
    action: ClassVar[str] = "submitted"
    subject_field: ClassVar[str] = "complaint_id"

    complaint_id: Identifier
    kind: ComplaintKind
    text: LongText
    certificate_number: CertificateNumber | None = None
    contact_email: Email | None = None


class ComplaintResolved(FilingEvent):
    aggregate: ClassVar[str] = "complaint"
    action: ClassVar[str] = "resolved"
    subject_field: ClassVar[str] = "complaint_id"

    complaint_id: Identifier
    outcome: ComplaintOutcome
    resolution: LongText
    resolved_by: Identifier


class EntrustmentSuspended(_EntrustmentEvent):
    """A party to an accepted entrustment was suspended, revoked or lapsed: no evaluation under
    it until it resumes."""

    action: ClassVar[str] = "suspended"

    party_uscc: Uscc
    suspended_on: date
    reason: LongText


class EntrustmentResumed(_EntrustmentEvent):
    """Both parties may evaluate again (a suspension of one was lifted)."""

    action: ClassVar[str] = "resumed"

    resumed_on: date


class FilingRenewalDue(FilingEvent):
    """The filing's validity ends on ``valid_until`` and 继续备案 may be asked from
    ``window_opens``: published once per validity period, when that window opens, so the
    enterprise is reminded before its filing lapses."""

    aggregate: ClassVar[str] = "filing"
    action: ClassVar[str] = "renewal-due"

    filing_id: Identifier
    valid_until: date
    window_opens: date


class FilingRenewalRequested(FilingEvent):
    """继续备案: the enterprise asks to continue before its filing's validity ends."""

    aggregate: ClassVar[str] = "filing"
    action: ClassVar[str] = "renewal-requested"

    filing_id: Identifier
    valid_until: date


class FilingRenewed(_FilingDecision):
    """继续备案 accepted: the filing stays valid until ``valid_until``."""

    action: ClassVar[str] = "renewed"

    previous_valid_until: date
    valid_until: date


class FilingRenewalRefused(_FilingDecision):
    """继续备案 refused: the filing lapses when its validity ends."""

    action: ClassVar[str] = "renewal-refused"

    reason: LongText


class FilingLapsed(FilingEvent):
    """The filing's validity ended without 继续备案: the enterprise no longer evaluates."""

    aggregate: ClassVar[str] = "filing"
    action: ClassVar[str] = "lapsed"

    filing_id: Identifier
    valid_until: date


class InspectionAnnounced(EventData):
    """双随机 announced before the draw: the frozen pools' digest and where the seed will come
    from (a public value of ``seed_date`` nobody knows yet), so the draw cannot be retried."""

    service: ClassVar[str] = "filing"
    topic: ClassVar[str] = topics.FILING_EVENTS
    aggregate: ClassVar[str] = "inspection-announcement"
    action: ClassVar[str] = "announced"
    key_field: ClassVar[str] = "inspection_id"
    subject_field: ClassVar[str] = "inspection_id"

    inspection_id: Identifier
    seed_source: LongText
    seed_date: date
    enterprise_count: int = Field(ge=1, le=MAX_DRAWN)
    inspectors_per_enterprise: int = Field(ge=2)
    pool_size: int = Field(ge=1)
    inspector_pool_size: int = Field(ge=2)
    pool_sha256: Sha256


# What a status change leaves an institution as; consumers' projections share this one table.
INSTITUTION_STATUS_AFTER: dict[str, str] = {
    FilingFiled.event_type(): "filed",
    FilingSuspended.event_type(): "suspended",
    FilingReinstated.event_type(): "filed",
    FilingRevoked.event_type(): "revoked",
    FilingLapsed.event_type(): "lapsed",
}
