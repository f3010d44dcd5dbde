"""Sample data for the assessment service's tests: an enterprise on file, a plan, candidates
(valid resident ID numbers made on the fly), and small fakes of the projection and chunk store."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from skilleval_assessment.enterprises.model import Institution
from skilleval_assessment.plans.model import PlanContent
from skilleval_assessment.plans.templates import default_conditions
from skilleval_shared.events.assessment_parts import (
    AssessmentMethod,
    ContentKind,
    Eligibility,
    EligibilityCondition,
    EligibilityTemplate,
    EvaluationContent,
    ExamRoom,
    PlanSubject,
    RoomKind,
    StaffAssignment,
    StaffRole,
)
from skilleval_shared.events.fields import CatalogEntry, LevelTier, Standard
from skilleval_shared.validation import resident_id_check_char, uscc_check_char


def make_uscc(n: int) -> str:
    first17 = f"91370200MA{n:07d}"
    return first17 + uscc_check_char(first17)


USCC = make_uscc(8001)
CLIENT_USCC = make_uscc(8002)
SERIAL = "000123"
ENTERPRISE_NAME = "青岛示例机械有限公司"

LATHE = CatalogEntry(
    occupation_code="6-18-01-01",
    occupation_name="车工",
    work_type="数控车工",
    levels=frozenset({5, 4, 3, 2}),
    standard=Standard.NATIONAL,
)
WELDER = CatalogEntry(
    occupation_code="6-18-02-04",
    occupation_name="焊工",
    levels=frozenset({5, 4}),
    standard=Standard.NATIONAL,
)


def resident_id(n: int, born: date = date(1990, 5, 17), male: bool = True) -> str:
    """A valid 18-character resident ID number, distinct for each ``n`` (< 50,000)."""
    area = 370202 + (n // 500) % 100
    sequence = (n % 500) * 2 + (1 if male else 0)
    first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
    return first17 + resident_id_check_char(first17)


def institution(**overrides: Any) -> Institution:
    values: dict[str, Any] = {
        "uscc": USCC,
        "name": ENTERPRISE_NAME,
        "status": "filed",
        "institution_serial": SERIAL,
        "catalog": [LATHE, WELDER],
    }
    return Institution.model_validate(values | overrides)


START = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)


def plan_content(**overrides: Any) -> PlanContent:
    conditions = default_conditions(EligibilityTemplate.NATIONAL_2018, frozenset({5, 4, 3, 2}))
    exceptional = EligibilityCondition(
        condition_id="x-4",
        level=4,
        text="在市级以上职业技能竞赛中获前三名",
        exceptional=True,
    )
    staff = [
        StaffAssignment(role=StaffRole.PROCTOR, name=f"监考{i}", room="理论一室") for i in range(2)
    ]
    staff += [
        StaffAssignment(role=StaffRole.EXAMINER, name=f"考评{i}", room="实操一室") for i in range(3)
    ]
    staff += [
        StaffAssignment(role=StaffRole.REVIEWER, name=f"评审{i}", room="评审室") for i in range(3)
    ]
    staff.append(StaffAssignment(role=StaffRole.QUALITY_SUPERVISOR, name="督导甲"))
    values: dict[str, Any] = {
        "title": "2026年第一期职业技能等级认定",
        "eligibility": Eligibility(
            template=EligibilityTemplate.NATIONAL_2018, conditions=(*conditions, exceptional)
        ),
        "subjects": (
            PlanSubject(
                occupation_code="6-18-01-01",
                occupation_name="车工",
                work_type="数控车工",
                levels=frozenset({4, 3, 2}),
                method=AssessmentMethod.EXAMINATION,
                posts=("数控车床操作", "车工"),
            ),
            PlanSubject(
                occupation_code="6-18-02-04",
                occupation_name="焊工",
                levels=frozenset({5, 4}),
                method=AssessmentMethod.EXAMINATION_AND_REVIEW,
            ),
        ),
        "starts_at": START,
        "ends_at": START + timedelta(days=1),
        "place": "青岛市黄岛区示例路1号实训楼",
        "expected_candidates": 10,
        "rooms": (
            ExamRoom(name="理论一室", kind=RoomKind.THEORY, location="实训楼301", capacity=30),
            ExamRoom(name="实操一室", kind=RoomKind.PRACTICAL, location="车间一", capacity=15),
            ExamRoom(name="评审室", kind=RoomKind.REVIEW, location="办公楼201", capacity=10),
        ),
        "staff": tuple(staff),
        "contents": tuple(
            EvaluationContent(kind=kind, standard="国家职业技能标准及企业评价规范")
            for kind in ContentKind
        ),
        "tiers": (LevelTier(name="首席技师", national_level=2),),
    }
    return PlanContent.model_validate(values | overrides)


def candidate(n: int, **overrides: Any) -> dict[str, Any]:
    """A candidate for 车工（数控车工）四级 who meets 2018-4-2 (6 years)."""
    values: dict[str, Any] = {
        "name": f"职工{n}",
        "id_type": "居民身份证",
        "id_number": resident_id(n),
        "phone": "13800000000",
        "email": f"worker{n}@example.com",
        "employment": "在岗职工",
        "employer": ENTERPRISE_NAME,
        "post": "数控车床操作",
        "hire_date": "2015-03-01",
        "years_in_occupation": 8,
        "occupation_code": "6-18-01-01",
        "work_type": "数控车工",
        "level": 4,
    }
    return values | overrides


class FakeInstitutions:
    def __init__(self, *known: Institution) -> None:
        self.known = {item.uscc: item for item in known}

    async def get(self, uscc: str) -> Institution | None:
        return self.known.get(uscc)


class MemoryChunks:
    """The chunk store's contract (put once per payload, read back whole) in memory."""

    def __init__(self) -> None:
        self.payloads: dict[str, list[Any]] = {}

    async def put(self, payload_id: str, items: Sequence[Any]) -> str:
        from skilleval_shared.storage.chunks import canonical, digest

        self.payloads.setdefault(payload_id, list(items))
        return digest([canonical(item) for item in self.payloads[payload_id]])

    async def read(self, payload_id: str) -> list[Any] | None:
        return self.payloads.get(payload_id)


# Rows (sheet row numbers, the header being row 1) spoilt in the 10,000-candidate sheet, and
# the column each is reported under.
SPOILT_ROWS: dict[int, str] = {
    7: "证件号",  # checksum
    120: "联系电话",
    999: "姓名",  # blank
    2500: "证件号",  # the person of row 2 again
    7777: "职业编码",  # not in the plan
    9001: "出生日期",  # contradicts the ID number
}


# Rows registered but ineligible (资格审核 not passed): one year in the occupation.
INELIGIBLE_ROWS: dict[int, str] = {4321: "申报条件"}


@functools.lru_cache(maxsize=4)
def candidates_sheet(count: int = 10_000, spoilt: bool = True) -> bytes:
    """An import sheet (xlsx, written with openpyxl) of ``count`` candidates."""
    import io

    from openpyxl import Workbook

    from skilleval_assessment.candidates.sheets import COLUMNS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("报名人员")
    sheet.append([title for _, title in COLUMNS])
    for row_number in range(2, count + 2):
        values = candidate(row_number)
        if spoilt and row_number in SPOILT_ROWS:
            values |= _spoil(row_number, values)
        if spoilt and row_number in INELIGIBLE_ROWS:
            values |= {"years_in_occupation": 1}
        sheet.append([values.get(field, "") for field, _ in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _spoil(row_number: int, values: dict[str, Any]) -> dict[str, Any]:
    column = SPOILT_ROWS[row_number]
    if column == "证件号" and row_number == 7:
        number = values["id_number"]
        return {"id_number": number[:-1] + ("0" if number[-1] != "0" else "1")}
    if column == "证件号":
        return {"id_number": resident_id(2)}
    if column == "联系电话":
        return {"phone": "12345"}
    if column == "姓名":
        return {"name": " "}
    if column == "申报条件":
        return {"years_in_occupation": 1}
    if column == "职业编码":
        return {"occupation_code": "2-02-07-04"}
    return {"birth_date": "1980-01-01"}


def filing_events(uscc: str = USCC, *, client_uscc: str = CLIENT_USCC) -> dict[str, Any]:
    """Filing's events about ``uscc`` as assessment receives them, each with its sequence."""
    from skilleval_shared.envelope import wrap
    from skilleval_shared.events import filing

    filed = filing.FilingFiled(
        uscc=uscc,
        filing_id=f"{uscc}-1",
        receipt_number="BA2026000123",
        filed_on=date.today() - timedelta(days=30),
        enterprise_name=ENTERPRISE_NAME,
        address="山东省青岛市黄岛区示例路1号",
        email="hr@example.com",
        institution_serial=SERIAL,
        catalog=(LATHE, WELDER),
    )
    suspended = filing.FilingSuspended(
        uscc=uscc, filing_id=f"{uscc}-1", decided_by="staff-1", reason="抽查发现考务不规范"
    )
    entrusted = filing.EntrustmentAccepted(
        uscc=uscc,
        entrustment_id="ent-1",
        client_uscc=client_uscc,
        client_name="青岛委托制造有限公司",
        scope=(
            filing.EntrustedScope(
                occupation_code="6-18-01-01", work_type="数控车工", levels=frozenset({4, 3})
            ),
        ),
        valid_from=date.today() - timedelta(days=10),
        valid_until=date.today() + timedelta(days=300),
        agreement_sha256="ab" * 32,
        decided_by="staff-1",
    )
    return {
        "filed": wrap(filed).model_copy(update={"sequence": "5000"}),
        "entrusted": wrap(entrusted).model_copy(update={"sequence": "1000"}),
        "suspended": wrap(suspended).model_copy(update={"sequence": "6000"}),
    }


def plan_body(**overrides: Any) -> dict[str, Any]:
    """A plan (车工 by exam, 焊工 五级 by 直接认定) as a request body."""
    direct = PlanSubject(
        occupation_code="6-18-02-04",
        occupation_name="焊工",
        levels=frozenset({5}),
        method=AssessmentMethod.DIRECT_RECOGNITION,
    )
    content = plan_content(**overrides)
    content = content.model_copy(update={"subjects": (content.subjects[0], direct)})
    return content.model_dump(mode="json")


async def on_file(assessment: Any, publish_filing: Any, *names: str) -> None:
    """Filing's events sent, and waited for until the enterprise is on file."""
    from support.kafka import eventually

    events = filing_events()
    for name in names:
        await publish_filing(events[name])
    projection = assessment.app.state.enterprises

    async def applied() -> bool:
        found = await projection.get(USCC)
        wanted = "suspended" if "suspended" in names else "filed"
        return (
            found is not None
            and found.status == wanted
            and ("entrusted" not in names or bool(found.entrustments))
        )

    await eventually(applied)
