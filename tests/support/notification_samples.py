"""Sample events for the notification service: one per event type that has an email template.

Every address carries ``tag`` (unique per test), so a test finds its own mail in the shared
Mailpit; ``addresses(tag)`` names them by audience.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from skilleval_shared.envelope import CloudEvent, EventData, wrap
from skilleval_shared.events import CATALOG, assessment, certification, filing, registry
from skilleval_shared.events.assessment_parts import (
    AssessmentMethod,
    Component,
    Eligibility,
    EligibilityCondition,
    EligibilityTemplate,
    ExamRoom,
    PlanSubject,
    RoomKind,
    StaffAssignment,
    StaffRole,
)
from skilleval_shared.events.certification import RowError
from skilleval_shared.events.fields import CatalogEntry, Gender, Remark, Standard
from skilleval_shared.events.filing_parts import (
    ComplaintKind,
    ComplaintOutcome,
    EnterpriseNature,
    EntrustedScope,
    FilingApplication,
    InspectionOutcome,
    MaterialFile,
    Person,
)
from skilleval_shared.events.roster import RosterRow
from skilleval_shared.validation.id_number import IdType

USCC = "91350100M000100Y43"
CLIENT_USCC = "91512081MA62K0260E"
CERTIFICATE = "Y000037000123264000001"  # 2026, level 4, serial 1
ISSUED_ON = date(2026, 3, 2)
# A filing's validity (three years from its receipt of 2026-01-20) and its 继续备案 period.
VALID_UNTIL = date(2029, 1, 19)
RENEWED_UNTIL = date(2032, 1, 19)
ENTERPRISE_NAME = "青岛示例机械有限公司"
HOLDER_NAME = "张三"
MALICIOUS_NAME = "<script>alert('x')</script>王五"
ID_NUMBERS = ("11010519491231002X", "440524188001010014")


@dataclass(frozen=True)
class Addresses:
    enterprise: str
    client: str
    city_center: str
    province_center: str
    objector: str
    complainant: str
    holder: str


def addresses(tag: str) -> Addresses:
    return Addresses(
        enterprise=f"qiye-{tag}@example.com",
        client=f"kehu-{tag}@example.com",
        city_center=f"city-{tag}@example.com",
        province_center=f"province-{tag}@example.com",
        objector=f"yiyi-{tag}@example.com",
        complainant=f"tousu-{tag}@example.com",
        holder=f"zhangsan-{tag}@example.com",
    )


CATALOG_ENTRY = CatalogEntry(
    occupation_code="6-18-01-01",
    occupation_name="车工",
    work_type="数控车工",
    levels=frozenset({5, 4, 3}),
    standard=Standard.NATIONAL,
)
REMARK = Remark(item="material:4", text="破格申报条件缺少年限要求")
PERSON = Person(name="李四", title="人力资源部部长", phone="0532-85845299")


def application(tag: str, name: str = ENTERPRISE_NAME) -> FilingApplication:
    return FilingApplication(
        enterprise_name=name,
        address="山东省青岛市黄岛区示例路1号",
        registration_authority="青岛市市场监督管理局",
        nature=EnterpriseNature.PRIVATE,
        business_scope="机械设备制造、销售",
        principal=PERSON,
        email=addresses(tag).enterprise,
        contact=PERSON,
    )


def roster_row(
    tag: str, seq: int = 1, name: str = HOLDER_NAME, email: str | None = None
) -> RosterRow:
    return RosterRow(
        seq=seq,
        institution_code="000123",
        institution_name=ENTERPRISE_NAME,
        name=name,
        id_type=IdType.RESIDENT_ID,
        id_number=ID_NUMBERS[0],
        gender=Gender.FEMALE,
        birth_date=date(1949, 12, 31),
        phone="13800000000",
        email=email or addresses(tag).holder,
        is_employee=True,
        employer=ENTERPRISE_NAME,
        years_in_occupation=8,
        post="数控车床操作",
        hire_date=date(2018, 1, 1),
        occupation_code="6-18-01-01",
        occupation_name="车工",
        work_type="数控车工",
        level=4,
        certificate_number=certificate_number(seq),
        issue_date=ISSUED_ON,
    )


def certificate_number(serial: int) -> str:
    return f"Y0000370001232640{serial:05d}"


def certificate_issued(
    tag: str, serial: int = 1, name: str = HOLDER_NAME, email: str | None = None
) -> certification.CertificateIssued:
    row = roster_row(tag, serial, name, email)
    return certification.CertificateIssued(
        certificate_number=certificate_number(serial),
        institution_uscc=USCC,
        roster_id=f"roster-{tag}",
        institution_name=ENTERPRISE_NAME,
        holder_name=name,
        id_type=IdType.RESIDENT_ID,
        id_number=row.id_number,
        occupation_code="6-18-01-01",
        occupation_name="车工",
        work_type="数控车工",
        level=4,
        issue_date=ISSUED_ON,
        holder_email=email or addresses(tag).holder,
        row=row,
    )


def certificate_issued_v2(
    tag: str, serial: int = 1, name: str = HOLDER_NAME, email: str | None = None
) -> certification.CertificateIssuedV2:
    """What certification publishes since version 2: the row carries the holder's details."""
    row = roster_row(tag, serial, name, email or addresses(tag).holder)
    return certification.CertificateIssuedV2(
        certificate_number=certificate_number(serial),
        institution_uscc=USCC,
        roster_id=f"roster-{tag}",
        institution_name=ENTERPRISE_NAME,
        row=row,
    )


def payloads(tag: str) -> dict[type[EventData], dict[str, Any]]:
    """A valid payload of every event type that has a template, addressed to ``tag``'s boxes."""
    mail = addresses(tag)
    filing_content = {
        "uscc": USCC,
        "filing_id": f"F-{tag}",
        "application": application(tag),
        "catalog": (CATALOG_ENTRY,),
        "materials": (
            MaterialFile(
                item=1,
                file_id="file-1",
                filename="备案申请表.pdf",
                content_type="application/pdf",
                size_bytes=1024,
                sha256="ab" * 32,
            ),
        ),
    }
    decision = {"uscc": USCC, "filing_id": f"F-{tag}", "decided_by": "staff-1"}
    objection = decision | {"objection_id": f"obj-{tag}"}
    entrustment = {
        "uscc": USCC,
        "entrustment_id": f"ent-{tag}",
        "client_uscc": CLIENT_USCC,
        "client_name": "青岛客户制造有限公司",
    }
    terms = entrustment | {
        "scope": (
            EntrustedScope(
                occupation_code="6-18-01-01", work_type="数控车工", levels=frozenset({5, 4})
            ),
        ),
        "valid_from": date(2026, 1, 1),
        "valid_until": date(2026, 12, 31),
        "agreement_sha256": "ab" * 32,
    }
    plan = {
        "uscc": USCC,
        "plan_id": f"plan-{tag}",
        "title": "2026年第一期数控车工技能等级认定",
        "eligibility": Eligibility(
            template=EligibilityTemplate.NATIONAL_2018,
            conditions=(
                EligibilityCondition(condition_id="c4-1", level=4, text="取得五级证书后工作满4年"),
            ),
        ),
        "subjects": (
            PlanSubject(
                occupation_code="6-18-01-01",
                occupation_name="车工",
                work_type="数控车工",
                levels=frozenset({4}),
                method=AssessmentMethod.EXAMINATION,
                components=frozenset({Component.THEORY, Component.PRACTICAL}),
            ),
        ),
        "starts_at": datetime(2026, 3, 1, 8, 30, tzinfo=UTC),
        "ends_at": datetime(2026, 3, 1, 17, 0, tzinfo=UTC),
        "place": "青岛市黄岛区示例路1号实训楼",
        "expected_candidates": 30,
        "rooms": (
            ExamRoom(name="理论一室", kind=RoomKind.THEORY, location="实训楼301", capacity=30),
        ),
        "staff": (StaffAssignment(role=StaffRole.PROCTOR, name="王五"),),
    }
    roster = {"roster_id": f"roster-{tag}", "institution_uscc": USCC}
    certificate = {"certificate_number": CERTIFICATE, "institution_uscc": USCC}
    return {
        filing.EnterpriseRegistered: {
            "uscc": USCC,
            "enterprise_name": ENTERPRISE_NAME,
            "email": mail.enterprise,
            "contact_name": "李四",
            "contact_phone": "13800000000",
        },
        filing.FilingSubmitted: filing_content,
        filing.FilingResubmitted: filing_content,
        filing.FilingReturned: decision | {"remarks": (REMARK,)},
        filing.FilingAccepted: decision,
        filing.FilingRejected: decision | {"reason": "公示期内异议成立", "remarks": (REMARK,)},
        filing.FilingFiled: {
            "uscc": USCC,
            "filing_id": f"F-{tag}",
            "receipt_number": "QDZP-2026-000123",
            "filed_on": date(2026, 1, 20),
            "enterprise_name": ENTERPRISE_NAME,
            "address": "山东省青岛市黄岛区示例路1号",
            "email": mail.enterprise,
            "institution_serial": "000123",
            "catalog": (CATALOG_ENTRY,),
        },
        filing.FilingSuspended: decision
        | {"reason": "抽查发现问题，限期整改", "until": date(2026, 6, 30)},
        filing.FilingReinstated: decision | {"reason": "整改完成"},
        filing.FilingRevoked: decision | {"reason": "违规发证"},
        filing.NoticeStarted: {
            "uscc": USCC,
            "filing_id": f"F-{tag}",
            "enterprise_name": ENTERPRISE_NAME,
            "starts_on": date(2026, 1, 12),
            "ends_on": date(2026, 1, 16),
            "working_days": 5,
        },
        filing.ObjectionRaised: {
            "uscc": USCC,
            "objection_id": f"obj-{tag}",
            "filing_id": f"F-{tag}",
            "text": "该企业无实操场地",
            "contact_email": mail.objector,
        },
        filing.ObjectionUpheld: objection | {"reason": "经核实属实"},
        filing.ObjectionDismissed: objection | {"reason": "经核实不属实"},
        filing.CatalogChangeSubmitted: {
            "uscc": USCC,
            "change_id": f"chg-{tag}",
            "filing_id": f"F-{tag}",
            "base_version": 1,
            "proposed_catalog": (CATALOG_ENTRY,),
            "explanation": "新增二级",
        },
        filing.CatalogChangeRejected: {
            "uscc": USCC,
            "change_id": f"chg-{tag}",
            "filing_id": f"F-{tag}",
            "decided_by": "staff-1",
            "reason": "缺少二级题库",
            "remarks": (REMARK,),
        },
        filing.CatalogChanged: {
            "uscc": USCC,
            "filing_id": f"F-{tag}",
            "change_id": f"chg-{tag}",
            "catalog_version": 2,
            "catalog": (CATALOG_ENTRY,),
        },
        filing.EntrustmentSubmitted: terms,
        filing.EntrustmentAccepted: terms | {"decided_by": "staff-1"},
        filing.EntrustmentRejected: entrustment | {"decided_by": "staff-1", "reason": "协议未盖章"},
        filing.EntrustmentSuspended: entrustment
        | {
            "party_uscc": CLIENT_USCC,
            "suspended_on": date(2026, 5, 8),
            "reason": "委托方已暂停评价",
        },
        filing.EntrustmentResumed: entrustment | {"resumed_on": date(2026, 6, 1)},
        filing.FilingRenewalDue: {
            "uscc": USCC,
            "filing_id": f"F-{tag}",
            "valid_until": VALID_UNTIL,
            "window_opens": date(2028, 11, 20),
        },
        filing.FilingRenewalRequested: {
            "uscc": USCC,
            "filing_id": f"F-{tag}",
            "valid_until": VALID_UNTIL,
        },
        filing.FilingRenewed: decision
        | {"previous_valid_until": VALID_UNTIL, "valid_until": RENEWED_UNTIL},
        filing.FilingRenewalRefused: decision | {"reason": "抽查发现考评人员不足，尚未整改到位"},
        filing.FilingLapsed: {"uscc": USCC, "filing_id": f"F-{tag}", "valid_until": VALID_UNTIL},
        filing.InspectionPublished: {
            "uscc": USCC,
            "inspection_id": f"insp-{tag}",
            "enterprise_name": ENTERPRISE_NAME,
            "published_on": date(2026, 4, 1),
            "outcome": InspectionOutcome.RECTIFICATION_REQUIRED,
            "findings": "考场监考人员配置不足",
        },
        filing.ComplaintSubmitted: {
            "uscc": USCC,
            "complaint_id": f"cmp-{tag}",
            "kind": ComplaintKind.REPORT,
            "text": "证书与实际技能不符",
            "certificate_number": CERTIFICATE,
            "contact_email": mail.complainant,
        },
        filing.InstitutionSerialRecorded: {
            "uscc": USCC,
            "filing_id": f"F-{tag}",
            "decided_by": "staff-1",
            "institution_serial": "370123",
            "previous_serial": None,
        },
        filing.ComplaintResolved: {
            "uscc": USCC,
            "complaint_id": f"cmp-{tag}",
            "outcome": ComplaintOutcome.UNSUBSTANTIATED,
            "resolution": "经核实不属实",
            "resolved_by": "staff-1",
        },
        assessment.PlanSubmitted: plan,
        assessment.PlanResubmitted: plan,
        assessment.PlanAccepted: {"uscc": USCC, "plan_id": f"plan-{tag}", "decided_by": "s-1"},
        assessment.PlanReturned: {
            "uscc": USCC,
            "plan_id": f"plan-{tag}",
            "decided_by": "staff-1",
            "remarks": (REMARK,),
        },
        certification.RosterValidated: roster
        | {
            "ok": False,
            "row_count": 10_000,
            "error_count": 317,
            "errors": (RowError(seq=17, column="id_number", message="身份证号码校验位不正确"),),
        },
        certification.RosterCityApproved: roster | {"reviewed_by": "staff-1"},
        certification.RosterCityRejected: roster | {"reviewed_by": "staff-1", "remarks": (REMARK,)},
        certification.RosterProvinceApproved: roster | {"reviewed_by": "staff-3"},
        certification.RosterProvinceRejected: roster
        | {"reviewed_by": "staff-3", "remarks": (REMARK,)},
        certification.RosterIssued: roster | {"certificate_count": 10_000, "issue_date": ISSUED_ON},
        certification.CertificateIssued: certificate_issued(tag).model_dump(),
        certification.CertificateIssuedV2: certificate_issued_v2(tag).model_dump(),
        certification.CertificateRevoked: certificate
        | {"revoked_on": date(2026, 5, 1), "revoked_by": "staff-1", "reason": "考核舞弊"},
        certification.CertificateReissued: certificate
        | {
            "reissued_on": date(2026, 5, 1),
            "reissue_count": 1,
            "reason": "遗失补发",
            "holder_name": HOLDER_NAME,
            "holder_email": mail.holder,
        },
        registry.ProvinceSyncAcknowledged: {
            "certificate_number": CERTIFICATE,
            "sync_id": f"sync-{tag}",
            "accepted": False,
            "message": "证件号码已存在同级证书",
        },
    }


def sample_event(cls: type[EventData], tag: str) -> CloudEvent[Any]:
    return wrap(cls.model_validate(payloads(tag)[cls]))


def event_of_type(event_type: str, tag: str) -> CloudEvent[Any]:
    return sample_event(CATALOG[event_type], tag)


def known_contacts(tag: str) -> dict[str, dict[str, str]]:
    """What the contact book holds once the registration, objection, complaint and
    certificate of these samples have been seen."""
    mail = addresses(tag)
    return {
        f"enterprise:{USCC}": {"email": mail.enterprise},
        f"enterprise:{CLIENT_USCC}": {"email": mail.client},
        f"objection:obj-{tag}": {"email": mail.objector},
        f"complaint:cmp-{tag}": {"email": mail.complainant},
        f"certificate:{CERTIFICATE}": {"email": mail.holder, "institution_uscc": USCC},
    }


def holder_delivery(n: int, **overrides: Any) -> Any:
    """A holder's certificate email as notification's delivery log keeps it, number ``n``."""
    from skilleval_notification.deliveries.model import Delivery
    from skilleval_notification.messages.model import Audience

    fields: dict[str, Any] = {
        "id": f"d{n}",
        "event_id": f"e{n}",
        "event_type": "cn.skilleval.certification.certificate.issued.v2",
        "owner_uscc": None,
        "recipient": f"h{n}@example.com",
        "role": Audience.HOLDER,
        "subject": "职业技能等级证书已发放",
        "text": "您好",
        "html": "<p>您好</p>",
        "message_id": f"<d{n}@skilleval.example>",
        "created_at": datetime(2026, 3, 2, 8, 0, tzinfo=UTC),
    }
    return Delivery(**(fields | overrides))
