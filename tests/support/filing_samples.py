"""Filing's sample data: valid forms, catalogs and stored filings for its tests. Builders, so
each test states only what it changes."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from skilleval_filing.catalog.table import CatalogHeader, CatalogRow, CatalogTable
from skilleval_filing.entrustments.model import EntrustmentAgreement
from skilleval_filing.filings.application import ApplicationDraft
from skilleval_filing.filings.conditions import ConditionCheck
from skilleval_filing.filings.lifecycle import FilingState
from skilleval_filing.filings.materials import MaterialKind
from skilleval_filing.filings.model import Filing, FilingRecord, UploadedMaterial, start_filing
from skilleval_filing.filings.receipt import issue_receipt
from skilleval_filing.filings.repository import FilingRepository, filing_id
from skilleval_shared.events.filing import FilingFiled
from skilleval_shared.repository import Loaded
from skilleval_shared.validation import uscc_check_char
from support.samples import OTHER_USCC, USCC

THIRD_USCC = "11320000MB151840XJ"
ALL_MATERIALS = frozenset(MaterialKind)


CONDITION_CODES = (
    "tax_and_social_security",
    "personnel_rules",
    "skill_content",
    "education_funds",
    "evaluation_body",
    "pay_linked",
)


def condition_findings(*unmet: str) -> list[dict[str, Any]]:
    """The six 自主评价条件 as a reviewer records them: all 符合 except those named in ``unmet``."""
    return [
        {
            "condition": code,
            "met": code not in unmet,
            "remark": "经核查不符合要求，请补充证明材料" if code in unmet else "经核查符合",
        }
        for code in CONDITION_CODES
    ]


def conditions(*unmet: str) -> tuple[ConditionCheck, ...]:
    """``condition_findings`` as the domain's checks, e.g. for ``AcceptForNotice``."""
    return tuple(ConditionCheck.model_validate(item) for item in condition_findings(*unmet))


ALL_MET = conditions()


def application_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "form_filler": "王芳",
        "form_filler_phone": "0532-85845299",
        "enterprise_name": "青岛示例机械有限公司",
        "address": "山东省青岛市黄岛区示例路1号",
        "registration_authority": "青岛市市场监督管理局",
        "uscc": USCC,
        "nature": "民营",
        "affiliation": "市属、区属及其他企业",
        "business_scope": "数控机床及零部件的研发、制造与销售",
        "principal": {"name": "张伟", "position": "总经理", "phone": "0532-85845200"},
        "email": "hr@example.com",
        "contact": {
            "name": "李娜",
            "position": "人力资源部经理",
            "phone": "0532-85845201",
            "mobile": "13800138000",
        },
        "basic_situation": "职工1200人，其中技能人才800人；按规定足额提取职工教育经费。",
        "venues_and_equipment": "实训基地3000平方米，数控车床40台。",
        "staff_and_examiners": "专职工作人员6人，考评员25人。",
        "commitment": {"signatory": "张伟", "signed_on": date(2026, 3, 2), "confirmed": True},
    }
    return fields | overrides


def complete_draft(**overrides: Any) -> ApplicationDraft:
    return ApplicationDraft.model_validate(application_fields(**overrides))


def entrustment_agreement(**overrides: Any) -> EntrustmentAgreement:
    """USCC evaluates OTHER_USCC's lathe operators (levels 5 and 4) for a year."""
    fields: dict[str, Any] = {
        "client_uscc": OTHER_USCC,
        "client_name": "青岛委托示例有限公司",
        "client_city_center": "青岛市职业技能鉴定中心",
        "trustee_uscc": USCC,
        "scope": [{"occupation_code": "6-18-01-01", "work_type": "数控车工", "levels": "5、4"}],
        "valid_from": date(2026, 11, 1),
        "valid_until": date(2027, 10, 31),
        "agreement_file_id": "file-123",
        "agreement_sha256": "ab" * 32,
    }
    return EntrustmentAgreement.model_validate(fields | overrides)


def header(**overrides: Any) -> CatalogHeader:
    fields: dict[str, Any] = {
        "institution_name": "青岛示例机械有限公司",
        "short_name": "示例机械",
        "contact_name": "李娜",
        "phone": "0532-85845201",
        "fax": "0532-85845202",
        "email": "hr@example.com",
        "website": "www.example.com",
        "address": "山东省青岛市黄岛区示例路1号",
        "postal_code": "266555",
    }
    return CatalogHeader.model_validate(fields | overrides)


def row(**overrides: Any) -> CatalogRow:
    fields: dict[str, Any] = {
        "occupation_name": "车工",
        "occupation_code": "6-18-01-01",
        "work_type": "数控车工",
        "levels": "5、4、3",
        "standard": "国家标准",
    }
    return CatalogRow.model_validate(fields | overrides)


def welder(**overrides: Any) -> CatalogRow:
    fields: dict[str, Any] = {
        "occupation_name": "焊工",
        "occupation_code": "6-18-02-04",
        "work_type": None,
        "levels": "5、4、3、2",
        "standard": "国家标准",
    }
    return row(**(fields | overrides))


def catalog(*rows: CatalogRow) -> CatalogTable:
    return CatalogTable(header=header(), rows=rows or (row(), welder()))


def filed_record(
    uscc: str = USCC,
    *,
    name: str = "青岛示例机械有限公司",
    rows: Iterable[CatalogRow] = (),
    state: FilingState = FilingState.FILED,
    issued_on: date = date(2026, 10, 14),
    sequence: int = 1,
    serial_recorded: bool = True,
) -> FilingRecord:
    """An enterprise's first filing in ``state``, with a receipt issued on ``issued_on`` unless
    ``state`` is one a filing reaches before its receipt, and (``serial_recorded``) the serial
    the province assigned as staff recorded it."""
    has_receipt = state in (FilingState.FILED, FilingState.SUSPENDED, FilingState.REVOKED)
    serial = f"{sequence:06d}" if serial_recorded else None
    receipt = (
        issue_receipt(issued_on=issued_on, receipt_sequence=sequence, institution_serial=serial)
        if has_receipt
        else None
    )
    filing = Filing(
        filing_id=filing_id(uscc, 1),
        uscc=uscc,
        state=state,
        version=5,
        receipt=receipt,
        institution_serial=serial if has_receipt else None,
    )
    return FilingRecord(
        filing=filing,
        application=ApplicationDraft(enterprise_name=name, uscc=uscc),
        catalog=CatalogTable(
            header=header(institution_name=name, short_name=name[:4]),
            rows=tuple(rows) or (row(), welder()),
        ),
    )


async def put_on_file(
    filings: FilingRepository, uscc: str = USCC, **fields: Any
) -> Loaded[FilingRecord]:
    """``filed_record`` stored as the enterprise's first filing."""
    record = filed_record(uscc, **fields)
    return await filings.add(record.filing_id, record)


async def change_state(filings: FilingRepository, uscc: str, state: FilingState) -> None:
    """Move the latest filing to ``state`` (e.g. suspended), as the lifecycle would."""
    found = await filings.latest_for(uscc)
    assert found is not None
    filing = found.state.filing.model_copy(update={"state": state})
    await filings.save(found.id, found.version, found.state.model_copy(update={"filing": filing}))


def uploaded(kind: MaterialKind) -> UploadedMaterial:
    return UploadedMaterial(
        file_id=f"file-{kind.number}",
        filename=f"{kind.number}.pdf",
        content_type="application/pdf",
        size_bytes=1000 + kind.number,
        sha256=f"{kind.number:02d}" * 32,
        uploaded_at=datetime(2026, 9, 1, tzinfo=UTC),
    )


def complete_record(filing_id_: str = "F-1", uscc: str = USCC, **overrides: Any) -> FilingRecord:
    """A draft with everything submission asks for: form, ten materials, catalog."""
    fields: dict[str, Any] = {
        "filing": start_filing(filing_id_, uscc),
        "application": complete_draft(uscc=uscc),
        "catalog": catalog(),
        "materials": {kind: uploaded(kind) for kind in MaterialKind},
    }
    return FilingRecord(**(fields | overrides))


# Request bodies and uploads for the HTTP tests.
ENTERPRISE_NAME = "青岛示例机械有限公司"
EMAIL = "hr@example.com"
PHONES = ("0532-85845299", "0532-85845200", "0532-85845201", "13800138000")
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def application_json(uscc: str, **overrides: Any) -> dict[str, Any]:
    """A complete 附件1 as a request body, checked by the domain model itself."""
    fields: dict[str, Any] = {
        "form_filler": "王芳",
        "form_filler_phone": PHONES[0],
        "enterprise_name": ENTERPRISE_NAME,
        "address": "山东省青岛市黄岛区示例路1号",
        "registration_authority": "青岛市市场监督管理局",
        "uscc": uscc,
        "nature": "民营",
        "affiliation": "市属、区属及其他企业",
        "business_scope": "数控机床及零部件的研发、制造与销售",
        "principal": {"name": "张伟", "position": "总经理", "phone": PHONES[1]},
        "email": EMAIL,
        "contact": {
            "name": "李娜",
            "position": "人力资源部经理",
            "phone": PHONES[2],
            "mobile": PHONES[3],
        },
        "basic_situation": "职工1200人，其中技能人才800人；按规定足额提取职工教育经费。",
        "venues_and_equipment": "实训基地3000平方米，数控车床40台。",
        "staff_and_examiners": "专职工作人员6人，考评员25人。",
        "commitment": {"signatory": "张伟", "signed_on": "2026-03-02", "confirmed": True},
    }
    draft = ApplicationDraft.model_validate(fields | overrides)
    return draft.model_dump(mode="json")


CATALOG_ROWS = [
    {
        "occupation_name": "车工",
        "occupation_code": "6-18-01-01",
        "work_type": "数控车工",
        "levels": "5、4、3",
        "standard": "国家标准",
    },
    {
        "occupation_name": "焊工",
        "occupation_code": "6-18-02-04",
        "work_type": None,
        "levels": [5, 4, 3, 2],
        "standard": "国家标准",
    },
]


def catalog_json(rows: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A valid 附表 as a request body, checked by the domain model itself."""
    header = {
        "institution_name": ENTERPRISE_NAME,
        "short_name": "示例机械",
        "contact_name": "李娜",
        "phone": PHONES[2],
        "fax": "0532-85845202",
        "email": EMAIL,
        "website": "www.example.com",
        "address": "山东省青岛市黄岛区示例路1号",
        "postal_code": "266555",
    }
    model = CatalogTable.model_validate({"header": header, "rows": rows or CATALOG_ROWS})
    return model.model_dump(mode="json")


def pdf(tag: str) -> bytes:
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n% " + tag.encode() + b"\n%%EOF\n"


def png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(64)) + b"\xff\xd9"


def office_zip(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<document/>")
    return buffer.getvalue()


def ole2(stream_name: str) -> bytes:
    return OLE2 + bytes(504) + stream_name.encode("utf-16-le") + bytes(64)


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# Catalog rows and enterprises of the catalog, entrustment and supervision tests.
LATHE = {
    "occupation_name": "车工",
    "occupation_code": "6-18-01-01",
    "work_type": "数控车工",
    "levels": "5、4、3",
    "standard": "国家标准",
}
WELDER = {
    "occupation_name": "焊工",
    "occupation_code": "6-18-02-04",
    "work_type": None,
    "levels": "5、4、3、2",
    "standard": "国家标准",
}
MILLER = {
    "occupation_name": "铣工",
    "occupation_code": "6-18-01-02",
    "work_type": "数控铣工",
    "levels": "5、4",
    "standard": "国家标准",
}
GRINDER = {
    "occupation_name": "磨工",
    "occupation_code": "6-18-01-03",
    "work_type": None,
    "levels": "5",
    "standard": "行业标准",
}


def make_uscc(n: int) -> str:
    """A valid USCC of a Qingdao enterprise, distinct for each ``n``."""
    first17 = f"91370200MA{n:07d}"
    return first17 + uscc_check_char(first17)


def named_catalog(name: str, rows: Iterable[dict[str, Any]]) -> CatalogTable:
    return CatalogTable.model_validate(
        {
            "header": {
                "institution_name": name,
                "short_name": name[:4],
                "contact_name": "李娜",
                "phone": "0532-85845201",
                "email": "hr@example.com",
                "address": "山东省青岛市黄岛区示例路1号",
                "postal_code": "266555",
            },
            "rows": list(rows),
        }
    )


# Events as other services receive them.
FILED_CATALOG_ROW = {
    "occupation_name": "车工",
    "occupation_code": "6-18-01-01",
    "work_type": "数控车工",
    "levels": [5, 4, 3],
    "standard": "国家标准",
}


def filing_filed(
    uscc: str = USCC, name: str = "青岛示例机械有限公司", serial: str | None = "000123"
) -> FilingFiled:
    """``serial=None``: filed before the province's serial was recorded."""
    return FilingFiled.model_validate(
        {
            "uscc": uscc,
            "filing_id": f"F-{uscc}",
            "receipt_number": f"QDZP-2026-{serial or '000001'}",
            "filed_on": date(2026, 11, 20),
            "enterprise_name": name,
            "address": "山东省青岛市黄岛区示例路1号",
            "email": "hr@example.com",
            "institution_serial": serial,
            "catalog": [FILED_CATALOG_ROW],
        }
    )


ENTERPRISE_PASSWORD = "enterprise-pass-123"


def registration(uscc: str, name: str = "青岛示例机械有限公司") -> dict[str, str]:
    """An enterprise account's registration form (``POST /api/v1/enterprises``)."""
    return {
        "uscc": uscc,
        "enterprise_name": name,
        "contact_name": "李联系",
        "contact_phone": "13800138000",
        "email": "hr@example.com",
        "password": ENTERPRISE_PASSWORD,
    }
