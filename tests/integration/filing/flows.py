"""The common steps of the filing tests, over HTTP: a complete draft, ten materials, submission,
acceptance, a second replica with a later calendar, and the events published on Kafka."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date, timedelta
from typing import Any

import httpx

from skilleval_filing.bootstrap import build_app
from skilleval_filing.catalog.table import CatalogTable
from skilleval_filing.clock import today
from skilleval_filing.filings.application import ApplicationDraft
from skilleval_filing.filings.materials import MaterialKind
from skilleval_filing.filings.notice_calendar import NoticeCalendar, NoticeWindow
from skilleval_filing.settings import FilingSettings
from skilleval_shared import topics
from support.apps import serve_in_process
from support.kafka import Record, read_until

ENTERPRISE_NAME = "青岛示例机械有限公司"
EMAIL = "hr@example.com"
PHONES = ("0532-85845299", "0532-85845200", "0532-85845201", "13800138000")
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def application(uscc: str, **overrides: Any) -> dict[str, Any]:
    """A complete 附件1, checked by the domain model itself."""
    fields: dict[str, Any] = {
        "form_filler": "王芳",
        "form_filler_phone": PHONES[0],
        "enterprise_name": ENTERPRISE_NAME,
        "address": "山东省青岛市黄岛区示例路1号",
        "registration_authority": "青岛市市场监督管理局",
        "uscc": uscc,
        "nature": "民营",
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


def catalog(rows: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A valid 附表, checked by the domain model itself."""
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


async def create_draft(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    response = await client.post("/api/v1/filings", headers=headers)
    assert response.status_code == 201, response.text
    filing_id: str = response.json()["filing_id"]
    return filing_id


async def upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    filing_id: str,
    kind: MaterialKind,
    content: bytes,
    filename: str = "材料.pdf",
    declared_type: str = "application/pdf",
) -> httpx.Response:
    return await client.put(
        f"/api/v1/filings/{filing_id}/materials/{kind.value}",
        headers=headers,
        files={"file": (filename, content, declared_type)},
    )


async def fill_draft(
    client: httpx.AsyncClient, headers: dict[str, str], filing_id: str, uscc: str
) -> dict[MaterialKind, bytes]:
    """Form, catalog and all ten materials; the uploaded contents by item."""
    base = f"/api/v1/filings/{filing_id}"
    saved = await client.put(f"{base}/application", headers=headers, json=application(uscc))
    assert saved.status_code == 200, saved.text
    saved = await client.put(f"{base}/catalog", headers=headers, json=catalog())
    assert saved.status_code == 200, saved.text
    contents = {}
    for kind in MaterialKind:
        contents[kind] = pdf(f"{filing_id} {kind.value}")
        response = await upload(client, headers, filing_id, kind, contents[kind])
        assert response.status_code == 200, response.text
    return contents


async def submitted(client: httpx.AsyncClient, headers: dict[str, str], uscc: str) -> str:
    filing_id = await create_draft(client, headers)
    await fill_draft(client, headers, filing_id, uscc)
    response = await client.post(f"/api/v1/filings/{filing_id}/submit", headers=headers)
    assert response.status_code == 200, response.text
    return filing_id


async def accept(client: httpx.AsyncClient, staff: dict[str, str], filing_id: str) -> Any:
    response = await client.post(f"/api/v1/filings/{filing_id}/accept", headers=staff)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "on_notice"
    return response.json()


async def object_to(
    client: httpx.AsyncClient, filing_id: str, text: str = "该企业考评人员数量不足"
) -> httpx.Response:
    return await client.post(
        f"/api/v1/public/notices/{filing_id}/objections",
        json={"text": text, "name": "赵六", "contact_email": "someone@example.com"},
    )


async def view(client: httpx.AsyncClient, headers: dict[str, str], filing_id: str) -> Any:
    response = await client.get(f"/api/v1/filings/{filing_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def expected_notice(settings: FilingSettings) -> NoticeWindow:
    return NoticeCalendar().notice_window(today(settings), settings.notice_working_days)


def after_notice(settings: FilingSettings) -> date:
    return expected_notice(settings).ends_on + timedelta(days=1)


@asynccontextmanager
async def replica(settings: FilingSettings, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    """Another process of the filing service on the same database and topics."""
    app = build_app(settings.model_copy(update=overrides))
    async with serve_in_process(app) as client:
        yield client


async def published(
    settings: FilingSettings, done: Callable[[list[Record]], bool], timeout: float = 30.0
) -> list[Record]:
    return await read_until(
        settings.kafka_bootstrap_servers,
        settings.topic(topics.FILING_EVENTS),
        done,
        timeout=timeout,
    )


def kind_of(record: Record) -> str:
    """``filing.submitted`` for ``cn.skilleval.filing.filing.submitted.v1``."""
    event_type: str = record.json()["type"]
    return event_type.removeprefix("cn.skilleval.filing.").removesuffix(".v1")


def of_filing(records: list[Record], filing_id: str) -> list[Record]:
    """The filing's events, once each (the relay may deliver an event twice: same id)."""
    seen: set[str] = set()
    found = []
    for record in records:
        event = record.json()
        if event["data"].get("filing_id") == filing_id and event["id"] not in seen:
            seen.add(event["id"])
            found.append(record)
    return found


def has(kind: str, filing_id: str, count: int = 1) -> Callable[[list[Record]], bool]:
    return lambda records: [kind_of(r) for r in of_filing(records, filing_id)].count(kind) >= count
