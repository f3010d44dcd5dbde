"""Sample data for certification's tests and benchmark: an institution, a plan, rows, events."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from skilleval_certification.evaluations.model import Plan
from skilleval_certification.institutions.model import Institution, Scope, StatusChange
from skilleval_shared.events.assessment import (
    PlanAccepted,
    PlanSubmitted,
    ResultRecorded,
    RosterRowsSubmitted,
    RosterSubmitted,
)
from skilleval_shared.events.assessment_parts import (
    AssessmentMethod,
    Eligibility,
    EligibilityCondition,
    EligibilityTemplate,
    ExamRoom,
    PlanSubject,
    RoomKind,
    StaffAssignment,
    StaffRole,
)
from skilleval_shared.events.fields import CatalogEntry, Standard
from skilleval_shared.events.filing import FilingFiled, FilingSuspended
from skilleval_shared.events.roster import RosterRow, chunk_count, chunk_rows
from skilleval_shared.validation.id_number import IdType, resident_id_check_char

USCC = "91350100M000100Y43"
OTHER_USCC = "91512081MA62K0260E"
INSTITUTION_NAME = "青岛示例机械有限公司"
SERIAL = "000123"
FILED_ON = date(2025, 6, 1)
EVALUATED_ON = date(2026, 3, 1)
ISSUE_DATE = date(2026, 3, 20)
OCCUPATION = ("6-18-01-01", "车工", "数控车工")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def id_number(n: int, *, male: bool | None = None, born: date | None = None) -> str:
    born = born or date(1970 + n % 30, 1 + n % 12, 1 + n % 28)
    sequence = n % 1000
    if male is not None and (sequence % 2 == 1) != male:
        sequence = (sequence + 1) % 1000
    body = f"370202{born:%Y%m%d}{sequence:03d}"
    return body + resident_id_check_char(body)


def row(seq: int, n: int | None = None, **changes: Any) -> RosterRow:
    """A valid row: person ``n`` (default ``seq``), born and sexed as the ID number says."""
    n = seq if n is None else n
    number = id_number(n)
    values: dict[str, Any] = {
        "seq": seq,
        "institution_code": "Y0000370001",
        "institution_name": INSTITUTION_NAME,
        "name": SURNAMES[n % len(SURNAMES)] + "示例" + str(n % 97),
        "id_type": IdType.RESIDENT_ID,
        "id_number": number,
        "gender": "男" if int(number[16]) % 2 else "女",
        "birth_date": date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
        "phone": f"1380532{n % 10000:04d}",
        "email": f"worker{n}@example.com",
        "is_employee": True,
        "employer": "青岛示例机械有限公司黄岛分厂",
        "years_in_occupation": 3 + n % 20,
        "post": "数控车床操作岗位",
        "hire_date": date(2015, 7, 1),
        "occupation_code": OCCUPATION[0],
        "occupation_name": OCCUPATION[1],
        "work_type": OCCUPATION[2],
        "level": 4,
    }
    return RosterRow.model_validate(values | changes)


def institution(**changes: Any) -> Institution:
    values: dict[str, Any] = {
        "uscc": USCC,
        "name": INSTITUTION_NAME,
        "status": "filed",
        "history": (StatusChange(on=FILED_ON, status="filed"),),
        "institution_serial": SERIAL,
        "catalog": (
            Scope(occupation_code=OCCUPATION[0], work_type=OCCUPATION[2], levels={5, 4, 3}),
        ),
    }
    return Institution.model_validate(values | changes)


def plan(plan_id: str = "plan-1", **changes: Any) -> Plan:
    values: dict[str, Any] = {
        "plan_id": plan_id,
        "uscc": USCC,
        "status": "accepted",
        "starts_on": EVALUATED_ON,
        "ends_on": EVALUATED_ON,
    }
    return Plan.model_validate(values | changes)


# --- events, as filing and assessment publish them ---

CATALOG_ENTRY = CatalogEntry(
    occupation_code=OCCUPATION[0],
    occupation_name=OCCUPATION[1],
    work_type=OCCUPATION[2],
    levels=frozenset({5, 4, 3}),
    standard=Standard.NATIONAL,
)


def filed(uscc: str = USCC, serial: str = SERIAL, on: date = FILED_ON) -> FilingFiled:
    return FilingFiled(
        uscc=uscc,
        filing_id=f"filing-{uscc}",
        receipt_number="QDZP2025000001",
        filed_on=on,
        enterprise_name=INSTITUTION_NAME,
        address="青岛市黄岛区示例路1号",
        email="hr@example.com",
        institution_serial=serial,
        catalog=(CATALOG_ENTRY,),
    )


def suspended(uscc: str = USCC) -> FilingSuspended:
    return FilingSuspended(
        uscc=uscc, filing_id=f"filing-{uscc}", decided_by="staff-1", reason="抽查发现问题"
    )


def plan_submitted(plan_id: str, uscc: str = USCC) -> PlanSubmitted:
    at = datetime(EVALUATED_ON.year, EVALUATED_ON.month, EVALUATED_ON.day, 1, tzinfo=UTC)
    return PlanSubmitted(
        uscc=uscc,
        plan_id=plan_id,
        title="2026年第一期数控车工技能等级认定",
        eligibility=Eligibility(
            template=EligibilityTemplate.NATIONAL_2018,
            conditions=(
                EligibilityCondition(condition_id="c4", level=4, text="取得五级证书后工作满4年"),
            ),
        ),
        subjects=(
            PlanSubject(
                occupation_code=OCCUPATION[0],
                occupation_name=OCCUPATION[1],
                work_type=OCCUPATION[2],
                levels=frozenset({4}),
                method=AssessmentMethod.EXAMINATION,
            ),
        ),
        starts_at=at,
        ends_at=at,
        place="实训楼",
        expected_candidates=100,
        rooms=(ExamRoom(name="理论一室", kind=RoomKind.THEORY, location="301", capacity=30),),
        staff=(StaffAssignment(role=StaffRole.QUALITY_SUPERVISOR, name="赵六"),),
    )


def plan_accepted(plan_id: str, uscc: str = USCC) -> PlanAccepted:
    return PlanAccepted(uscc=uscc, plan_id=plan_id, decided_by="staff-1")


def result(
    plan_id: str, the_row: RosterRow, passed: bool = True, uscc: str = USCC
) -> ResultRecorded:
    return ResultRecorded(
        uscc=uscc,
        registration_id=f"reg-{plan_id}-{the_row.id_number}-{the_row.level}",
        plan_id=plan_id,
        candidate_name=the_row.name,
        id_type=the_row.id_type,
        id_number=the_row.id_number,
        occupation_code=the_row.occupation_code,
        work_type=the_row.work_type,
        level=the_row.level,
        method=AssessmentMethod.EXAMINATION,
        theory_score=80 if passed else 40,
        practical_score=75,
        passed=passed,
        recorded_by="examiner-1",
    )


def roster_events(
    roster_id: str, plan_id: str, rows: list[RosterRow], uscc: str = USCC, size: int = 64
) -> tuple[list[RosterRowsSubmitted], RosterSubmitted]:
    """The chunks, then the header (published last, the 'complete' signal)."""
    count = chunk_count(len(rows), size)
    chunks = [
        RosterRowsSubmitted(
            uscc=uscc, roster_id=roster_id, chunk_index=index, chunk_count=count, rows=tuple(part)
        )
        for index, part in enumerate(chunk_rows(rows, size))
    ]
    header = RosterSubmitted(
        uscc=uscc,
        roster_id=roster_id,
        plan_id=plan_id,
        institution_name=INSTITUTION_NAME,
        row_count=len(rows),
        chunk_count=count,
    )
    return chunks, header
