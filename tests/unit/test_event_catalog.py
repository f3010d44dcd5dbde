"""The event catalog: names, routing, wire round trips, CloudEvents SDK compatibility, sizes."""

from __future__ import annotations

import json
import re
import types
import typing
from datetime import UTC, date, datetime
from typing import Annotated, Any

import pytest
from cloudevents.core.bindings.kafka import KafkaMessage, from_structured
from cloudevents.core.formats.json import JSONFormat
from cloudevents.v1.http import from_json as legacy_from_json
from pydantic import BaseModel, TypeAdapter, ValidationError

from skilleval_shared import topics
from skilleval_shared.envelope import EventData, envelope_dict, wrap
from skilleval_shared.events import (
    CATALOG,
    UnknownEventType,
    assessment,
    certification,
    filing,
    notification,
    parse_event,
    registry,
)
from skilleval_shared.events.assessment_parts import (
    AssessmentMethod,
    Candidate,
    Component,
    ComponentScore,
    ConditionCriteria,
    ContentKind,
    Education,
    Eligibility,
    EligibilityCondition,
    EligibilityOutcome,
    EligibilityTemplate,
    EmploymentKind,
    EvaluationContent,
    ExamRoom,
    LevelScheme,
    PlanSubject,
    ProfessionalTitle,
    Registration,
    ResultEntry,
    RoomKind,
    ScoredComponent,
    Session,
    StaffAssignment,
    StaffRole,
)
from skilleval_shared.events.certification import RowError
from skilleval_shared.events.fields import (
    CatalogEntry,
    Gender,
    LevelTier,
    Remark,
    Standard,
)
from skilleval_shared.events.filing_parts import (
    ComplaintKind,
    ComplaintOutcome,
    CreditKind,
    DrawnEnterprise,
    EnterpriseNature,
    EntrustedScope,
    Evidence,
    EvidenceKind,
    FilingApplication,
    InspectionOutcome,
    Inspector,
    MaterialFile,
    Person,
    RevocationGround,
    RevocationGroundKind,
)
from skilleval_shared.events.registry import SyncOperation
from skilleval_shared.events.roster import (
    MAX_MESSAGE_BYTES,
    ROSTER_COLUMNS,
    ROWS_PER_CHUNK,
    RosterRow,
    chunk_count,
    chunk_rows,
)
from skilleval_shared.validation.id_number import IdType

USCC = "91350100M000100Y43"
CLIENT_USCC = "91512081MA62K0260E"
CERTIFICATE = "Y000037000123264000001"  # Y / 0000 / 37 / 000123 / 2026 / level 4 / 000001
ISSUED_ON = date(2026, 3, 2)
SHA = "ab" * 32
MODULES = (filing, assessment, certification, registry, notification)
TYPE_PATTERN = re.compile(r"^cn\.skilleval\.[a-z]+\.[a-z-]+\.[a-z-]+\.v\d+$")
# A permitted character that costs the most bytes in UTF-8 JSON.
WIDE = "\U00020000"

EXPECTED_TYPES = {
    f"cn.skilleval.{name}.v1"
    for name in (
        "filing.enterprise.registered",
        "filing.filing.submitted",
        "filing.filing.returned",
        "filing.filing.resubmitted",
        "filing.filing.accepted",
        "filing.filing.rejected",
        "filing.filing.filed",
        "filing.filing.suspended",
        "filing.filing.reinstated",
        "filing.filing.revoked",
        "filing.filing.institution-code-assigned",
        "filing.filing.institution-serial-recorded",
        "filing.filing.conditions-reviewed",
        "filing.notice.started",
        "filing.notice.closed",
        "filing.objection.raised",
        "filing.objection.upheld",
        "filing.objection.dismissed",
        "filing.catalog-change.submitted",
        "filing.catalog-change.rejected",
        "filing.catalog.changed",
        "filing.entrustment.submitted",
        "filing.entrustment.accepted",
        "filing.entrustment.rejected",
        "filing.entrustment.suspended",
        "filing.entrustment.resumed",
        "filing.filing.renewal-due",
        "filing.filing.renewal-requested",
        "filing.filing.renewed",
        "filing.filing.renewal-refused",
        "filing.filing.lapsed",
        "filing.inspection-announcement.announced",
        "filing.inspection.drawn",
        "filing.inspection.published",
        "filing.credit.recorded",
        "filing.complaint.submitted",
        "filing.complaint.resolved",
        "assessment.plan.submitted",
        "assessment.plan.resubmitted",
        "assessment.plan.accepted",
        "assessment.plan.returned",
        "assessment.plan.supervised",
        "assessment.registration.submitted",
        "assessment.registration.accepted",
        "assessment.registration.rejected",
        "assessment.result.recorded",
        "assessment.enrolment.registered",
        "assessment.results.recorded",
        "assessment.results.corrected",
        "assessment.roster.submitted",
        "assessment.roster-rows.submitted",
        "certification.roster.validated",
        "certification.roster.city-approved",
        "certification.roster.city-rejected",
        "certification.roster.province-approved",
        "certification.roster.province-rejected",
        "certification.numbering.requested",
        "certification.roster.issued",
        "certification.certificate.issued",
        "certification.certificate.revoked",
        "certification.certificate.reissued",
        "certification.roster.rows-rejected",
        "certification.certificate.corrected",
        "certification.signing-key.published",
        "registry.sync.recorded",
        "province.sync.acknowledged",
        "notification.email.sent",
        "notification.email.failed",
    )
} | {"cn.skilleval.certification.certificate.issued.v2"}


# --- sample payloads: every optional field filled, so the size test can inflate all of them ---

CATALOG_ENTRY = CatalogEntry(
    occupation_code="6-18-01-01",
    occupation_name="车工",
    work_type="数控车工",
    levels=frozenset({5, 4, 3}),
    standard=Standard.NATIONAL,
    tiers=(LevelTier(name="首席技师", national_level=1),),
)
REMARK = Remark(item="material:4", text="破格申报条件缺少年限要求")
PERSON = Person(name="李四", title="人力资源部部长", phone="0532-85845299", mobile="13800000000")
APPLICATION = FilingApplication(
    enterprise_name="青岛示例机械有限公司",
    enterprise_short_name="示例机械",
    address="山东省青岛市黄岛区示例路1号",
    postcode="266000",
    website="https://example.com",
    registration_authority="青岛市市场监督管理局",
    nature=EnterpriseNature.PRIVATE,
    business_scope="机械设备制造、销售",
    principal=PERSON,
    email="hr@example.com",
    contact=PERSON,
)
MATERIAL = MaterialFile(
    item=1,
    file_id="file-1",
    filename="备案申请表.pdf",
    content_type="application/pdf",
    size_bytes=1024,
    sha256=SHA,
)
SCOPE = EntrustedScope(occupation_code="6-18-01-01", work_type="数控车工", levels=frozenset({5, 4}))
ROW = RosterRow(
    seq=1,
    institution_code="000123",
    institution_name="青岛示例机械有限公司",
    name="张三",
    id_type=IdType.RESIDENT_ID,
    id_number="11010519491231002X",
    gender=Gender.FEMALE,
    birth_date=date(1949, 12, 31),
    phone="13800000000",
    email="zhangsan@example.com",
    is_employee=True,
    employer="青岛示例机械有限公司",
    years_in_occupation=8,
    post="数控车床操作",
    hire_date=date(2018, 1, 1),
    occupation_code="6-18-01-01",
    occupation_name="车工",
    work_type="数控车工",
    level=4,
    certificate_number=CERTIFICATE,
    issue_date=ISSUED_ON,
)
CANDIDATE = Candidate(
    name="张三",
    id_type=IdType.RESIDENT_ID,
    id_number="11010519491231002X",
    gender=Gender.FEMALE,
    birth_date=date(1949, 12, 31),
    phone="13800000000",
    email="zhangsan@example.com",
    employment=EmploymentKind.EMPLOYEE,
    employer="青岛示例机械有限公司",
    post="数控车床操作",
    hire_date=date(2018, 1, 1),
    years_in_occupation=8,
    education=Education.TECHNICAL_SCHOOL,
    title=ProfessionalTitle.JUNIOR,
    certificate_level=5,
    certificate_number="S000037000123195000001",
    photo_sha256=SHA,
)
REGISTRATION = Registration(
    registration_id="reg-1",
    candidate=CANDIDATE,
    occupation_code="6-18-01-01",
    occupation_name="车工",
    work_type="数控车工",
    level=4,
    tier="首席技师",
    eligibility=EligibilityOutcome(
        condition_id="c4-x",
        exceptional=True,
        ground="省级技能大赛第五名",
        evidence="山东省职业技能大赛获奖证书",
        evidence_sha256=SHA,
    ),
    amendment=True,
)
RESULT = ResultEntry(
    registration_id="reg-1",
    candidate_name="张三",
    id_number="11010519491231002X",
    occupation_code="6-18-01-01",
    level=4,
    method=AssessmentMethod.EXAMINATION,
    scores=(ComponentScore(name="理论知识", score=78.5),),
    total=78.5,
    passed=True,
    evaluated_on=date(2026, 3, 1),
    examiners=("王五",),
    evidence="省级技能大赛三等奖",
    evidence_sha256=SHA,
    corrections=1,
)
PLAN_CONTENT: dict[str, Any] = {
    "uscc": USCC,
    "plan_id": "plan-1",
    "title": "2026年第一期数控车工技能等级认定",
    "entrustment_id": "ent-1",
    "client_uscc": CLIENT_USCC,
    "eligibility": Eligibility(
        template=EligibilityTemplate.NATIONAL_2018,
        conditions=(
            EligibilityCondition(
                condition_id="c4-1",
                level=4,
                text="取得五级证书后工作满4年",
                criteria=ConditionCriteria(
                    min_years=4,
                    certificate_level=5,
                    educations=(Education.TECHNICAL_SCHOOL,),
                    title=ProfessionalTitle.JUNIOR,
                    min_age=18,
                ),
            ),
            EligibilityCondition(
                condition_id="c4-x", level=4, text="省级竞赛前十名", exceptional=True
            ),
        ),
    ),
    "subjects": (
        PlanSubject(
            occupation_code="6-18-01-01",
            occupation_name="车工",
            work_type="数控车工",
            levels=frozenset({4, 3}),
            method=AssessmentMethod.CUSTOM,
            method_description="理论、实操与业绩评审结合",
            components=frozenset({Component.THEORY, Component.PRACTICAL}),
            posts=("数控车床操作",),
            schemes=(
                LevelScheme(
                    level=4,
                    method=AssessmentMethod.EXAMINATION,
                    components=(ScoredComponent(name="理论知识", weight=40, pass_mark=60),),
                ),
            ),
        ),
    ),
    "starts_at": datetime(2026, 3, 1, 8, 30, tzinfo=UTC),
    "ends_at": datetime(2026, 3, 1, 17, 0, tzinfo=UTC),
    "place": "青岛市黄岛区示例路1号实训楼",
    "expected_candidates": 30,
    "pass_mark": 60,
    "rooms": (
        ExamRoom(
            name="理论一室",
            kind=RoomKind.THEORY,
            location="实训楼301",
            capacity=30,
            sessions=(
                Session(
                    starts_at=datetime(2026, 3, 1, 8, 30, tzinfo=UTC),
                    ends_at=datetime(2026, 3, 1, 10, 0, tzinfo=UTC),
                ),
            ),
        ),
    ),
    "staff": (
        StaffAssignment(
            role=StaffRole.PROCTOR, name="王五", qualification_number="KP-2020-001", room="理论一室"
        ),
        StaffAssignment(role=StaffRole.QUALITY_SUPERVISOR, name="赵六"),
    ),
    "contents": (EvaluationContent(kind=ContentKind.ABILITY, standard="车工国家职业技能标准"),),
    "tiers": (LevelTier(name="首席技师", national_level=1),),
    "candidate_count": 30,
    "candidates_sha256": SHA,
}
FILING_CONTENT: dict[str, Any] = {
    "uscc": USCC,
    "filing_id": "filing-1",
    "application": APPLICATION,
    "catalog": (CATALOG_ENTRY,),
    "materials": (MATERIAL,),
}
ENTRUSTMENT: dict[str, Any] = {
    "uscc": USCC,
    "entrustment_id": "ent-1",
    "client_uscc": CLIENT_USCC,
    "client_name": "青岛客户制造有限公司",
}
ENTRUSTMENT_TERMS = ENTRUSTMENT | {
    "scope": (SCOPE,),
    "valid_from": date(2026, 1, 1),
    "valid_until": date(2026, 12, 31),
    "agreement_sha256": SHA,
}
ROSTER = {"roster_id": "roster-1", "institution_uscc": USCC}
NOTIFICATION = {
    "notification_id": "n-1",
    "recipient": "hr@example.com",
    "template": "filing.filed",
    "attempt": 1,
}

SAMPLES: dict[type[EventData], dict[str, Any]] = {
    filing.EnterpriseRegistered: {
        "uscc": USCC,
        "enterprise_name": "青岛示例机械有限公司",
        "email": "hr@example.com",
        "contact_name": "李四",
        "contact_phone": "13800000000",
    },
    filing.FilingSubmitted: FILING_CONTENT,
    filing.FilingResubmitted: FILING_CONTENT,
    filing.FilingReturned: {
        "uscc": USCC,
        "filing_id": "filing-1",
        "decided_by": "staff-1",
        "remarks": (REMARK,),
    },
    filing.FilingAccepted: {"uscc": USCC, "filing_id": "filing-1", "decided_by": "staff-1"},
    filing.FilingRejected: {
        "uscc": USCC,
        "filing_id": "filing-1",
        "decided_by": "staff-1",
        "reason": "公示期内异议成立",
        "remarks": (REMARK,),
        "upheld_objection_ids": ("obj-1",),
    },
    filing.FilingFiled: {
        "uscc": USCC,
        "filing_id": "filing-1",
        "receipt_number": "QDZP-2026-000123",
        "filed_on": date(2026, 1, 20),
        "enterprise_name": "青岛示例机械有限公司",
        "enterprise_short_name": "示例机械",
        "address": "山东省青岛市黄岛区示例路1号",
        "email": "hr@example.com",
        "institution_serial": "000123",
        "catalog": (CATALOG_ENTRY,),
    },
    filing.FilingSuspended: {
        "uscc": USCC,
        "filing_id": "filing-1",
        "decided_by": "staff-1",
        "reason": "抽查发现问题，限期整改",
        "until": date(2026, 6, 30),
    },
    filing.FilingReinstated: {
        "uscc": USCC,
        "filing_id": "filing-1",
        "decided_by": "staff-1",
        "reason": "整改完成",
    },
    filing.InstitutionCodeAssigned: {
        "uscc": USCC,
        "filing_id": "filing-1",
        "decided_by": "staff-1",
        "institution_code": "0123",
        "previous_code": "0000",
    },
    filing.InstitutionSerialRecorded: {
        "uscc": USCC,
        "filing_id": "filing-1",
        "decided_by": "staff-1",
        "institution_serial": "000123",
        "previous_serial": None,
    },
    filing.FilingConditionsReviewed: {
        "uscc": USCC,
        "filing_id": "filing-1",
        "decided_by": "staff-1",
        "findings": tuple(
            filing.ConditionFinding(condition=code, met=code != "pay_linked", remark="经核查")
            for code in filing.ENTERPRISE_CONDITIONS
        ),
    },
    filing.FilingRevoked: {
        "uscc": USCC,
        "filing_id": "filing-1",
        "decided_by": "staff-1",
        "reason": "违规发证",
        "grounds": (
            RevocationGround(
                kind=RevocationGroundKind.MISCONDUCT,
                explanation="向未参加考核人员发证",
                evidence=(Evidence(kind=EvidenceKind.COMPLAINT, evidence_id="cmp-1"),),
            ),
        ),
    },
    filing.FilingRenewalRequested: {
        "uscc": USCC,
        "filing_id": "filing-1",
        "valid_until": date(2029, 10, 13),
    },
    filing.FilingRenewed: {
        "uscc": USCC,
        "filing_id": "filing-1",
        "decided_by": "staff-1",
        "previous_valid_until": date(2029, 10, 13),
        "valid_until": date(2032, 10, 13),
    },
    filing.FilingRenewalRefused: {
        "uscc": USCC,
        "filing_id": "filing-1",
        "decided_by": "staff-1",
        "reason": "管理不规范",
    },
    filing.FilingRenewalDue: {
        "uscc": USCC,
        "filing_id": "filing-1",
        "valid_until": date(2029, 10, 13),
        "window_opens": date(2029, 7, 15),
    },
    filing.FilingLapsed: {
        "uscc": USCC,
        "filing_id": "filing-1",
        "valid_until": date(2029, 10, 13),
    },
    filing.NoticeStarted: {
        "uscc": USCC,
        "filing_id": "filing-1",
        "enterprise_name": "青岛示例机械有限公司",
        "starts_on": date(2026, 1, 12),
        "ends_on": date(2026, 1, 16),
        "working_days": 5,
    },
    filing.NoticeClosed: {
        "uscc": USCC,
        "filing_id": "filing-1",
        "objection_count": 1,
        "upheld_count": 0,
    },
    filing.ObjectionRaised: {
        "uscc": USCC,
        "objection_id": "obj-1",
        "filing_id": "filing-1",
        "text": "该企业无实操场地",
        "contact_email": "someone@example.com",
    },
    filing.ObjectionUpheld: {
        "uscc": USCC,
        "objection_id": "obj-1",
        "filing_id": "filing-1",
        "decided_by": "staff-1",
        "reason": "经核实属实",
    },
    filing.ObjectionDismissed: {
        "uscc": USCC,
        "objection_id": "obj-1",
        "filing_id": "filing-1",
        "decided_by": "staff-1",
        "reason": "经核实不属实",
    },
    filing.CatalogChangeSubmitted: {
        "uscc": USCC,
        "change_id": "chg-1",
        "filing_id": "filing-1",
        "base_version": 1,
        "proposed_catalog": (CATALOG_ENTRY,),
        "explanation": "新增二级",
    },
    filing.CatalogChangeRejected: {
        "uscc": USCC,
        "change_id": "chg-1",
        "filing_id": "filing-1",
        "decided_by": "staff-1",
        "reason": "缺少二级题库",
        "remarks": (REMARK,),
    },
    filing.CatalogChanged: {
        "uscc": USCC,
        "filing_id": "filing-1",
        "change_id": "chg-1",
        "catalog_version": 2,
        "catalog": (CATALOG_ENTRY,),
    },
    filing.EntrustmentSubmitted: ENTRUSTMENT_TERMS,
    filing.EntrustmentAccepted: ENTRUSTMENT_TERMS | {"decided_by": "staff-1"},
    filing.EntrustmentRejected: ENTRUSTMENT | {"decided_by": "staff-1", "reason": "协议未盖章"},
    filing.EntrustmentSuspended: ENTRUSTMENT
    | {"party_uscc": USCC, "suspended_on": date(2026, 5, 1), "reason": "受托方已暂停评价"},
    filing.EntrustmentResumed: ENTRUSTMENT | {"resumed_on": date(2026, 6, 1)},
    filing.InspectionAnnounced: {
        "inspection_id": "insp-2026-1",
        "seed_source": "中国福利彩票双色球第2026030期开奖号码",
        "seed_date": date(2026, 3, 15),
        "enterprise_count": 5,
        "inspectors_per_enterprise": 2,
        "pool_size": 2100,
        "inspector_pool_size": 40,
        "pool_sha256": SHA,
    },
    filing.InspectionDrawn: {
        "inspection_id": "insp-2026-1",
        "seed": "2026-03-01T09:00:00Z#42",
        "pool_size": 2100,
        "inspector_pool_size": 40,
        "drawn": (
            DrawnEnterprise(
                uscc=USCC,
                enterprise_name="青岛示例机械有限公司",
                inspectors=(Inspector(inspector_id="staff-2", name="钱七"),),
            ),
        ),
    },
    filing.InspectionPublished: {
        "uscc": USCC,
        "inspection_id": "insp-2026-1",
        "enterprise_name": "青岛示例机械有限公司",
        "published_on": date(2026, 4, 1),
        "outcome": InspectionOutcome.RECTIFICATION_REQUIRED,
        "findings": "考场监考人员配置不足",
    },
    filing.CreditRecorded: {
        "uscc": USCC,
        "record_id": "credit-1",
        "kind": CreditKind.WARNING,
        "description": "抽查整改",
        "recorded_by": "staff-1",
        "reference_id": "insp-2026-1",
    },
    filing.ComplaintSubmitted: {
        "uscc": USCC,
        "complaint_id": "cmp-1",
        "kind": ComplaintKind.REPORT,
        "text": "证书与实际技能不符",
        "certificate_number": CERTIFICATE,
        "contact_email": "someone@example.com",
    },
    filing.ComplaintResolved: {
        "uscc": USCC,
        "complaint_id": "cmp-1",
        "outcome": ComplaintOutcome.UNSUBSTANTIATED,
        "resolution": "经核实不属实",
        "resolved_by": "staff-1",
    },
    assessment.PlanSubmitted: PLAN_CONTENT,
    assessment.PlanResubmitted: PLAN_CONTENT,
    assessment.PlanAccepted: {"uscc": USCC, "plan_id": "plan-1", "decided_by": "staff-1"},
    assessment.PlanReturned: {
        "uscc": USCC,
        "plan_id": "plan-1",
        "decided_by": "staff-1",
        "remarks": (REMARK,),
    },
    assessment.PlanSupervised: {
        "uscc": USCC,
        "plan_id": "plan-1",
        "supervised_by": "staff-1",
        "compliant": True,
        "findings": "按方案实施",
    },
    assessment.RegistrationSubmitted: {
        "uscc": USCC,
        "registration_id": "reg-1",
        "plan_id": "plan-1",
        "candidate": CANDIDATE,
        "occupation_code": "6-18-01-01",
        "occupation_name": "车工",
        "work_type": "数控车工",
        "level": 4,
        "condition_id": "c4-1",
    },
    assessment.RegistrationAccepted: {
        "uscc": USCC,
        "registration_id": "reg-1",
        "plan_id": "plan-1",
        "candidate_name": "张三",
        "condition_id": "c4-1",
    },
    assessment.RegistrationRejected: {
        "uscc": USCC,
        "registration_id": "reg-1",
        "plan_id": "plan-1",
        "candidate_name": "张三",
        "reasons": ("工作年限不足",),
    },
    assessment.ResultRecorded: {
        "uscc": USCC,
        "registration_id": "reg-1",
        "plan_id": "plan-1",
        "candidate_name": "张三",
        "id_type": IdType.RESIDENT_ID,
        "id_number": "11010519491231002X",
        "occupation_code": "6-18-01-01",
        "work_type": "数控车工",
        "level": 4,
        "method": AssessmentMethod.EXAMINATION,
        "theory_score": 78.5,
        "practical_score": 82,
        "review_score": 90,
        "passed": True,
        "evidence": "省级技能大赛三等奖",
        "recorded_by": "staff-9",
    },
    assessment.CandidatesRegistered: {
        "uscc": USCC,
        "plan_id": "plan-1",
        "batch_id": "batch-1",
        "part": 0,
        "parts": 1,
        "registrations": (REGISTRATION,),
    },
    assessment.ResultsRecorded: {
        "uscc": USCC,
        "plan_id": "plan-1",
        "recorded_by": "staff-9",
        "part": 0,
        "parts": 1,
        "results": (RESULT,),
    },
    assessment.ResultCorrected: {
        "uscc": USCC,
        "plan_id": "plan-1",
        "corrected_by": "staff-9",
        "reason": "理论成绩登记错误",
        "previous": RESULT,
        "result": RESULT,
    },
    assessment.RosterSubmitted: {
        "uscc": USCC,
        "roster_id": "roster-1",
        "plan_id": "plan-1",
        "institution_name": "青岛示例机械有限公司",
        "row_count": 1,
        "chunk_count": 1,
    },
    assessment.RosterRowsSubmitted: {
        "uscc": USCC,
        "roster_id": "roster-1",
        "chunk_index": 0,
        "chunk_count": 1,
        "rows": (ROW,),
    },
    certification.RosterValidated: ROSTER
    | {
        "ok": False,
        "row_count": 10_000,
        "error_count": 10_000,
        "errors": (RowError(seq=1, column="id_number", message="身份证号码校验位不正确"),),
    },
    certification.RosterCityApproved: ROSTER | {"reviewed_by": "staff-1", "remarks": (REMARK,)},
    certification.RosterCityRejected: ROSTER | {"reviewed_by": "staff-1", "remarks": (REMARK,)},
    certification.RosterProvinceApproved: ROSTER | {"reviewed_by": "staff-3", "remarks": (REMARK,)},
    certification.RosterProvinceRejected: ROSTER | {"reviewed_by": "staff-3", "remarks": (REMARK,)},
    certification.NumberingRequested: ROSTER
    | {
        "institution_name": "青岛示例机械有限公司",
        "institution_serial": "000123",
        "issue_date": ISSUED_ON,
        "row_count": 1,
    },
    certification.RosterRowsRejected: ROSTER
    | {
        "reviewed_by": "staff-1",
        "stage": certification.ReviewStage.CITY,
        "seqs": (1, 17),
        "remarks": (REMARK,),
    },
    certification.CertificateCorrected: {
        "certificate_number": CERTIFICATE,
        "institution_uscc": USCC,
        "corrected_on": date(2026, 5, 2),
        "reissue_count": 2,
        "reason": "姓名录入错误",
        "corrected_fields": (certification.CorrectableField.HOLDER_NAME,),
        "holder_name": "张三丰",
        "id_type": IdType.RESIDENT_ID,
        "id_number": "11010519491231002X",
        "occupation_name": "车工",
        "work_type": "数控车工",
        "holder_email": "zhangsan@example.com",
    },
    certification.SigningKeyPublished: {
        "key_id": "k1-abc",
        "algorithm": "EdDSA",
        "curve": "Ed25519",
        "public_key": "A" * 43,
        "verification_url": "https://zscx.example.cn/verify",
    },
    certification.RosterIssued: ROSTER | {"certificate_count": 1, "issue_date": ISSUED_ON},
    certification.CertificateIssued: {
        "certificate_number": CERTIFICATE,
        "institution_uscc": USCC,
        "roster_id": "roster-1",
        "institution_name": "青岛示例机械有限公司",
        "holder_name": "张三",
        "id_type": IdType.RESIDENT_ID,
        "id_number": "11010519491231002X",
        "occupation_code": "6-18-01-01",
        "occupation_name": "车工",
        "work_type": "数控车工",
        "level": 4,
        "issue_date": ISSUED_ON,
        "holder_email": "zhangsan@example.com",
        "row": ROW,
    },
    certification.CertificateIssuedV2: {
        "certificate_number": CERTIFICATE,
        "institution_uscc": USCC,
        "roster_id": "roster-1",
        "institution_name": "青岛示例机械有限公司",
        "row": ROW,
    },
    certification.CertificateRevoked: {
        "certificate_number": CERTIFICATE,
        "institution_uscc": USCC,
        "revoked_on": date(2026, 5, 1),
        "revoked_by": "staff-1",
        "reason": "考核舞弊",
    },
    certification.CertificateReissued: {
        "certificate_number": CERTIFICATE,
        "institution_uscc": USCC,
        "reissued_on": date(2026, 5, 1),
        "reissue_count": 1,
        "reason": "遗失补发",
        "holder_name": "张三",
        "holder_email": "zhangsan@example.com",
    },
    registry.SyncRecorded: {
        "certificate_number": CERTIFICATE,
        "sync_id": "sync-1",
        "operation": SyncOperation.REVOKE,
        "institution_uscc": USCC,
        "row": ROW,
        "revocation_reason": "考核舞弊",
    },
    registry.ProvinceSyncAcknowledged: {
        "certificate_number": CERTIFICATE,
        "sync_id": "sync-1",
        "accepted": False,
        "message": "证件号码已存在同级证书",
    },
    notification.EmailSent: NOTIFICATION | {"message_id": "<01a21e94@skilleval>"},
    notification.EmailFailed: NOTIFICATION
    | {"error": "SMTP 451 temporary failure", "final": False},
}


def sample(cls: type[EventData]) -> EventData:
    return cls.model_validate(SAMPLES[cls])


EVENT_CLASSES = sorted(CATALOG.values(), key=lambda cls: cls.event_type())
by_type = pytest.mark.parametrize(
    "cls", EVENT_CLASSES, ids=[cls.event_type() for cls in EVENT_CLASSES]
)


def wire_size(data: EventData) -> int:
    """Bytes of the structured-mode message as it goes on the wire."""
    return len(wrap(data, causation_id="01a21e94-8f86-7068-8c6e-b7d355a5eafb").to_json_bytes())


# --- the catalog itself ---


def test_catalog_holds_exactly_the_expected_types() -> None:
    assert set(CATALOG) == EXPECTED_TYPES


def test_every_event_has_a_sample() -> None:
    assert set(SAMPLES) == set(CATALOG.values())


@by_type
def test_type_name_follows_the_convention(cls: type[EventData]) -> None:
    assert TYPE_PATTERN.fullmatch(cls.event_type())
    assert cls.service in (*topics.SERVICES, "province")
    module = cls.__module__.rsplit(".", 1)[1]
    assert module == ("registry" if cls.service == "province" else cls.service)


@by_type
def test_routing_names_existing_fields(cls: type[EventData]) -> None:
    assert cls.topic in topics.ALL_TOPICS
    assert cls.key_field in cls.model_fields
    assert cls.subject_field in cls.model_fields
    assert cls.model_fields[cls.key_field].is_required()
    assert cls.model_fields[cls.subject_field].is_required()


EXPECTED_KEYS = {
    topics.FILING_EVENTS: "uscc",
    topics.ASSESSMENT_EVENTS: "uscc",
    topics.CERTIFICATION_NUMBERING: "institution_uscc",
    topics.REGISTRY_PROVINCE_SYNC: "certificate_number",
    topics.PROVINCE_ACKS: "certificate_number",
    topics.NOTIFICATION_EVENTS: "notification_id",
}


@by_type
def test_kafka_key_follows_the_architecture(cls: type[EventData]) -> None:
    if cls in (filing.InspectionDrawn, filing.InspectionAnnounced):  # a campaign, many enterprises
        expected = "inspection_id"
    elif cls is certification.SigningKeyPublished:  # belongs to no institution
        expected = "key_id"
    elif cls.topic == topics.CERTIFICATION_EVENTS:
        expected = "certificate_number" if cls.aggregate == "certificate" else "institution_uscc"
    else:
        expected = EXPECTED_KEYS[cls.topic]
    assert cls.key_field == expected


def test_abstract_bases_are_not_publishable() -> None:
    publishable = set(CATALOG.values())
    abstract = [
        value
        for module in MODULES
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, EventData) and value is not EventData
        if "action" not in value.__dict__
    ]
    assert filing.FilingEvent in abstract
    assert assessment.AssessmentEvent in abstract
    for base in abstract:
        assert base not in publishable
        with pytest.raises(AttributeError):
            base.event_type()


@by_type
def test_models_are_frozen_and_closed(cls: type[EventData]) -> None:
    event = sample(cls)
    with pytest.raises(ValidationError):
        setattr(event, cls.key_field, "changed")
    with pytest.raises(ValidationError):
        cls.model_validate(SAMPLES[cls] | {"unexpected": 1})


@by_type
def test_json_schema_is_generated_for_asyncapi(cls: type[EventData]) -> None:
    for mode in ("validation", "serialization"):
        schema = cls.model_json_schema(mode=mode)
        assert set(schema["required"]) >= {cls.key_field, cls.subject_field}


# --- the wire ---


@by_type
def test_wrapped_sample_round_trips_through_parse_event(cls: type[EventData]) -> None:
    data = sample(cls)
    event = wrap(data, causation_id="cause-1")
    raw = event.to_json_bytes()

    parsed = parse_event(raw)

    assert type(parsed.data) is cls
    assert parsed.data == data
    assert (parsed.id, parsed.type, parsed.subject) == (event.id, cls.event_type(), data.subject())
    assert parsed.source == f"/skilleval/{cls.service}"
    assert (parsed.correlationid, parsed.causationid) == (event.id, "cause-1")
    assert parse_event(envelope_dict(event)).data == data
    assert json.loads(parsed.to_json_bytes()) == json.loads(raw)


@by_type
def test_cloudevents_sdk_parses_the_message(cls: type[EventData]) -> None:
    data = sample(cls)
    event = wrap(data)
    raw = event.to_json_bytes()
    payload = json.loads(raw)["data"]

    parsed = JSONFormat().read(None, raw)
    assert parsed.get_specversion() == "1.0"
    assert (parsed.get_id(), parsed.get_type()) == (event.id, cls.event_type())
    assert parsed.get_source() == event.source
    assert parsed.get_subject() == data.subject()
    assert parsed.get_datacontenttype() == "application/json"
    assert parsed.get_extension("correlationid") == event.id
    assert parsed.get_data() == payload

    message = KafkaMessage(
        headers={"content-type": b"application/cloudevents+json"},
        key=data.kafka_key().encode(),
        value=raw,
    )
    from_kafka = from_structured(message, JSONFormat())
    assert from_kafka.get_extension("partitionkey") == data.kafka_key()
    assert from_kafka.get_data() == payload

    legacy = legacy_from_json(raw)
    assert legacy["type"] == cls.event_type()
    assert legacy.data == payload


def test_unknown_type_is_rejected() -> None:
    document = envelope_dict(wrap(sample(filing.FilingFiled)))
    for wrong in (
        "cn.skilleval.filing.filing.exploded.v1",
        "cn.skilleval.filing.filing.filed.v2",
        "com.example.filing.filed",
    ):
        with pytest.raises(UnknownEventType):
            parse_event(document | {"type": wrong})
    with pytest.raises(UnknownEventType):
        parse_event(json.dumps([document]))


def test_known_type_with_wrong_payload_is_rejected() -> None:
    document = envelope_dict(wrap(sample(filing.FilingFiled)))
    with pytest.raises(ValidationError):
        parse_event(document | {"type": filing.FilingRevoked.event_type()})
    with pytest.raises(ValidationError):
        parse_event(document | {"data": document["data"] | {"uscc": "not-a-uscc"}})


# --- consistency rules inside events ---


def test_certificate_number_must_match_level_year_and_row() -> None:
    fields = SAMPLES[certification.CertificateIssued]
    with pytest.raises(ValidationError):
        certification.CertificateIssued.model_validate(fields | {"level": 3})
    with pytest.raises(ValidationError):
        certification.CertificateIssued.model_validate(fields | {"issue_date": date(2027, 1, 4)})
    other_row = ROW.model_copy(update={"certificate_number": "Y000037000123264000002"})
    with pytest.raises(ValidationError):
        certification.CertificateIssued.model_validate(fields | {"row": other_row})
    assert sample(certification.CertificateIssued).level_title == "四级/中级工"  # type: ignore[attr-defined]


def test_issued_v2_reads_what_v1_carries_from_the_row_alone() -> None:
    v1, v2 = sample(certification.CertificateIssued), sample(certification.CertificateIssuedV2)
    for name in (
        "certificate_number",
        "institution_uscc",
        "roster_id",
        "institution_name",
        "holder_name",
        "id_type",
        "id_number",
        "occupation_code",
        "occupation_name",
        "work_type",
        "level",
        "issue_date",
        "holder_email",
        "row",
        "level_title",
    ):
        assert getattr(v2, name) == getattr(v1, name), name
    assert wire_size(v2) < wire_size(v1) * 0.85  # the row's fields once: ~18 % smaller
    fields = SAMPLES[certification.CertificateIssuedV2]
    for row in (
        ROW.model_copy(update={"certificate_number": "Y000037000123264000002"}),
        ROW.model_copy(update={"issue_date": None}),
        ROW.model_copy(update={"issue_date": date(2027, 1, 4)}),
        ROW.model_copy(update={"level": 3}),
        ROW.model_copy(update={"email": "not an address@"}),
    ):
        with pytest.raises(ValidationError):
            certification.CertificateIssuedV2.model_validate(fields | {"row": row})
    no_work_type = ROW.model_copy(update={"work_type": None, "email": None})
    bare = certification.CertificateIssuedV2.model_validate(fields | {"row": no_work_type})
    assert (bare.work_type, bare.holder_email) == ("--", None)


def test_validation_outcome_agrees_with_its_errors() -> None:
    fields = SAMPLES[certification.RosterValidated]
    with pytest.raises(ValidationError):
        certification.RosterValidated.model_validate(fields | {"ok": True})
    with pytest.raises(ValidationError):
        certification.RosterValidated.model_validate(fields | {"errors": ()})
    with pytest.raises(ValidationError):
        certification.RosterValidated.model_validate(fields | {"error_count": 0})
    clean = fields | {"ok": True, "error_count": 0, "errors": ()}
    assert certification.RosterValidated.model_validate(clean).ok


def test_notice_period_cannot_end_before_it_starts() -> None:
    fields = SAMPLES[filing.NoticeStarted]
    with pytest.raises(ValidationError):
        filing.NoticeStarted.model_validate(fields | {"ends_on": date(2026, 1, 1)})


def test_levels_serialise_lowest_level_first() -> None:
    assert json.loads(CATALOG_ENTRY.model_dump_json())["levels"] == [5, 4, 3]


# --- the roster and message sizes ---


def worst_row(seq: int) -> RosterRow:
    return RosterRow(
        seq=1_000_000 - seq,
        institution_code="A" * 32,
        institution_name=WIDE * 100,
        name=WIDE * 64,
        id_type=IdType.HONG_KONG_MACAO_PERMIT,
        id_number="A" * 30,
        gender=Gender.FEMALE,
        birth_date=date(1990, 12, 31),
        phone="+" + "1" * 23,
        email=WIDE * 64 + "@" + WIDE * 189,
        is_employee=False,
        employer=WIDE * 100,
        years_in_occupation=80,
        post=WIDE * 100,
        hire_date=date(2020, 12, 31),
        occupation_code="6-18-01-01",
        occupation_name=WIDE * 40,
        work_type=WIDE * 40,
        level=4,
        certificate_number=CERTIFICATE,
        issue_date=ISSUED_ON,
    )


def test_roster_row_has_the_21_columns_in_official_order() -> None:
    assert len(ROSTER_COLUMNS) == 21
    assert [name for name, _ in ROSTER_COLUMNS] == list(RosterRow.model_fields)
    assert ROSTER_COLUMNS[0] == ("seq", "序号")
    assert ROSTER_COLUMNS[-2:] == (("certificate_number", "证书编号"), ("issue_date", "发证日期"))
    assert not RosterRow.model_fields["certificate_number"].is_required()
    assert not RosterRow.model_fields["issue_date"].is_required()


def test_a_full_chunk_of_worst_case_rows_stays_under_256_kb() -> None:
    rows = tuple(worst_row(seq) for seq in range(1, ROWS_PER_CHUNK + 1))
    chunk = assessment.RosterRowsSubmitted(
        uscc=USCC, roster_id="r" * 64, chunk_index=9_998, chunk_count=9_999, rows=rows
    )
    size = wire_size(chunk)
    assert size > ROWS_PER_CHUNK * 3_000  # really the worst case, not an empty payload
    assert size < MAX_MESSAGE_BYTES


def test_a_chunk_cannot_exceed_rows_per_chunk() -> None:
    fields = SAMPLES[assessment.RosterRowsSubmitted]
    with pytest.raises(ValidationError):
        assessment.RosterRowsSubmitted.model_validate(
            fields | {"rows": (ROW,) * (ROWS_PER_CHUNK + 1)}
        )
    with pytest.raises(ValidationError):
        assessment.RosterRowsSubmitted.model_validate(fields | {"chunk_index": 1})


def test_chunk_rows_splits_a_10000_row_roster() -> None:
    rows = list(range(10_000))
    chunks = list(chunk_rows(rows))
    assert len(chunks) == chunk_count(len(rows)) == -(-10_000 // ROWS_PER_CHUNK)
    assert all(1 <= len(chunk) <= ROWS_PER_CHUNK for chunk in chunks)
    assert [row for chunk in chunks for row in chunk] == rows
    header = SAMPLES[assessment.RosterSubmitted] | {"row_count": 10_000}
    assert assessment.RosterSubmitted.model_validate(header | {"chunk_count": len(chunks)})
    with pytest.raises(ValidationError):
        assessment.RosterSubmitted.model_validate(header | {"chunk_count": len(chunks) - 1})


def _max_length(annotation: Any) -> int | None:
    """The length limit declared on a field's type, looking through Annotated and unions."""
    if typing.get_origin(annotation) is Annotated:
        base, *metadata = typing.get_args(annotation)
        limits = [item.max_length for item in metadata if getattr(item, "max_length", None)]
        return max(limits) if limits else _max_length(base)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        limits = [limit for arg in typing.get_args(annotation) if (limit := _max_length(arg))]
        return max(limits) if limits else None
    return None


def _element_type(annotation: Any) -> Any:
    while typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    return typing.get_args(annotation)[0]


def _worst_value(value: Any, annotation: Any) -> Any:
    """The largest value of this type on the wire, built from a valid example."""
    if isinstance(value, BaseModel):
        return inflate(value)
    limit = _max_length(annotation)
    candidates: list[Any] = []
    if isinstance(value, str):
        fixed = [WIDE * 64 + "@" + WIDE * 189, "<" + "A" * 250 + ">", "+" + "1" * 23]
        candidates = [*((WIDE * limit, "A" * limit) if limit else ()), *fixed]
    elif isinstance(value, tuple) and value and limit:
        candidates = [(_worst_value(value[0], _element_type(annotation)),) * limit]
    adapter: TypeAdapter[Any] = TypeAdapter(annotation)
    for candidate in candidates:
        try:
            return adapter.validate_python(candidate)
        except ValidationError:
            continue
    return value


def inflate(model: BaseModel) -> BaseModel:
    """``model`` with every string and list at its maximum length, where the schema allows it."""
    fields = dict(model)
    for name, info in type(model).model_fields.items():
        annotation = (
            Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
        )
        candidate = _worst_value(fields[name], annotation)
        try:
            type(model).model_validate(fields | {name: candidate})
        except ValidationError:
            continue
        fields[name] = candidate
    return type(model).model_validate(fields)


@by_type
def test_the_largest_valid_message_of_each_type_stays_under_256_kb(cls: type[EventData]) -> None:
    data = sample(cls)
    largest = inflate(data)
    assert isinstance(largest, EventData)
    assert wire_size(largest) >= wire_size(data)
    assert wire_size(largest) < MAX_MESSAGE_BYTES


_DUMP_ALL_SAMPLES = """
import json
from unit.test_event_catalog import EVENT_CLASSES, sample
print(json.dumps({cls.event_type(): sample(cls).model_dump(mode="json") for cls in EVENT_CLASSES}))
"""


def test_json_is_the_same_whatever_the_hash_seed() -> None:
    # Sets iterate in hash order, and str hashes change per process: a set field without a
    # sorting serializer gives different JSON, and so different digests, in each replica.
    import os
    import subprocess
    import sys
    from pathlib import Path

    tests_dir = Path(__file__).resolve().parents[1]
    outputs = {
        subprocess.run(
            [sys.executable, "-c", _DUMP_ALL_SAMPLES],
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(tests_dir)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3", "4", "5", "6")
    }
    assert len(outputs) == 1


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Uscc", "91٣٧٠٢٠٠MA3C123456"),  # Arabic-Indic digits
        ("CertificateNumber", "Y" + "２" * 21),  # full-width
        ("OccupationCode", "6-１８-01-01"),
        ("InstitutionSerial", "০০০১২৩"),  # Bengali digits
    ],
)
def test_digit_fields_take_ascii_digits_only(name: str, value: str) -> None:
    from skilleval_shared.events import fields

    with pytest.raises(ValidationError):
        TypeAdapter(getattr(fields, name)).validate_python(value)
