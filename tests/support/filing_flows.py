"""The common steps of the filing tests, over HTTP: a complete draft, ten materials, submission,
acceptance, a second replica with a later calendar, and the events published on Kafka."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date, timedelta
from typing import Any

import httpx

from skilleval_filing.bootstrap import build_app
from skilleval_filing.clock import today
from skilleval_filing.filings.materials import MaterialKind
from skilleval_filing.filings.notice_calendar import NoticeCalendar, NoticeWindow
from skilleval_filing.settings import FilingSettings
from skilleval_shared import topics
from support.apps import serve_in_process
from support.filing_samples import application_json, catalog_json, condition_findings, pdf
from support.kafka import Record, read_until


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
    saved = await client.put(f"{base}/application", headers=headers, json=application_json(uscc))
    assert saved.status_code == 200, saved.text
    saved = await client.put(f"{base}/catalog", headers=headers, json=catalog_json())
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
    response = await client.post(
        f"/api/v1/filings/{filing_id}/accept",
        headers=staff,
        json={"conditions": condition_findings()},
    )
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
