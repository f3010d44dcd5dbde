"""Bulk paths against real infrastructure: a 10,000-candidate xlsx import that reports exactly
its bad rows, a CSV import, results for all of them, and a 10,000-row roster submitted as chunks
with the header last, whose progress through certification the enterprise then sees."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import date
from typing import Any

import pytest

from skilleval_shared import topics
from skilleval_shared.auth import Role
from skilleval_shared.envelope import wrap
from skilleval_shared.events.assessment_parts import AssessmentMethod
from skilleval_shared.events.certification import RosterCityApproved, RosterValidated
from skilleval_shared.events.roster import MAX_MESSAGE_BYTES
from support.assessment_samples import (
    INELIGIBLE_ROWS,
    SPOILT_ROWS,
    USCC,
    candidate,
    candidates_sheet,
    filing_events,
    plan_content,
)
from support.kafka import eventually, produce, read_until

# Two 10,000-row imports, or a 10,000-row roster end to end, on a shared 2-core machine.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]
ROWS = 10_000


async def started_plan(assessment, headers, publish_filing) -> tuple[str, dict[str, str]]:
    await publish_filing(filing_events()["filed"])
    await eventually(lambda: assessment.app.state.enterprises.get(USCC))
    enterprise = headers(Role.ENTERPRISE, USCC)
    # 过程化考核 at the workplace: no exam seats, so one plan can take 10,000 candidates.
    content = plan_content(expected_candidates=ROWS)
    lathe = content.subjects[0].model_copy(update={"method": AssessmentMethod.PROCESS})
    body = content.model_copy(update={"subjects": (lathe,)}).model_dump(mode="json")
    created = await assessment.post("/api/v1/plans", json=body, headers=enterprise)
    assert created.status_code == 201, created.text
    return created.json()["plan_id"], enterprise


async def test_a_sheet_of_ten_thousand_reports_exactly_its_bad_rows(
    assessment, headers, publish_filing
) -> None:
    plan_id, enterprise = await started_plan(assessment, headers, publish_filing)
    base = f"/api/v1/plans/{plan_id}"
    template = await assessment.get("/api/v1/candidate-template.xlsx", headers=enterprise)
    assert template.status_code == 200 and template.content[:2] == b"PK"
    sheet = candidates_sheet(ROWS)

    refused = await assessment.post(
        f"{base}/candidates/import?format=xlsx",
        content=sheet,
        headers=enterprise | {"X-Import-ID": "first"},
    )
    assert refused.status_code == 422
    problem = refused.json()
    assert {(int(e["row"]), e["column"]) for e in problem["errors"]} == set(SPOILT_ROWS.items())
    assert all(e["message"] for e in problem["errors"])
    listed = await assessment.get(f"{base}/candidates", headers=enterprise)
    assert listed.json()["count"] == 0  # nothing half-imported

    running = asyncio.create_task(
        assessment.post(
            f"{base}/candidates/import?format=xlsx&partial=true",
            content=sheet,
            headers=enterprise | {"X-Import-ID": "second"},
        )
    )
    # While it runs, the progress shows rows read or checked so far.
    seen: list[tuple[str, int]] = []
    while not running.done():
        await asyncio.sleep(0.1)
        found = await assessment.get(f"{base}/imports/second", headers=enterprise)
        if found.status_code == 200:
            seen.append((found.json()["stage"], found.json()["rows"]))
    imported = await running
    midway = [(stage, rows) for stage, rows in seen if 0 < rows < ROWS]
    assert {stage for stage, _ in midway} & {"reading", "checking"}, seen
    assert imported.status_code == 200, imported.text
    report = imported.json()
    assert report["registered"] == ROWS - len(SPOILT_ROWS)
    assert report["eligible"] == ROWS - len(SPOILT_ROWS) - len(INELIGIBLE_ROWS)
    assert {r["row"] for r in report["rejected_rows"]} == set(SPOILT_ROWS)
    assert {(r["row"], r["column"]) for r in report["ineligible_rows"]} == set(
        INELIGIBLE_ROWS.items()
    )
    progress = await assessment.get(f"{base}/imports/second", headers=enterprise)
    assert progress.json()["stage"] == "registered"
    assert progress.json()["registered"] == ROWS - len(SPOILT_ROWS)

    text = io.StringIO()
    writer = csv.writer(text)
    from skilleval_assessment.candidates.sheets import COLUMNS

    writer.writerow([title for _, title in COLUMNS])
    for n in (20_001, 20_002):
        values = candidate(n)
        writer.writerow([values.get(field, "") for field, _ in COLUMNS])
    from_csv = await assessment.post(
        f"{base}/candidates/import?format=csv",
        content=text.getvalue().encode("utf-8-sig"),
        headers=enterprise,
    )
    assert from_csv.json()["registered"] == 2


async def test_a_ten_thousand_row_roster_goes_as_chunks_then_its_header(
    assessment, assessment_settings, headers, publish_filing
) -> None:
    plan_id, enterprise = await started_plan(assessment, headers, publish_filing)
    base = f"/api/v1/plans/{plan_id}"
    imported = await assessment.post(
        f"{base}/candidates/import",
        content=candidates_sheet(ROWS, spoilt=False),
        headers=enterprise,
    )
    assert imported.json()["registered"] == ROWS
    assert (await assessment.post(f"{base}/submit", headers=enterprise)).status_code == 200, (
        await assessment.get(base, headers=enterprise)
    ).text
    accepted = await assessment.post(f"{base}/accept", headers=headers(Role.CITY_CENTER))
    assert accepted.json()["status"] == "accepted"
    listed = (await assessment.get(f"{base}/candidates", headers=enterprise)).json()
    today = date.today().isoformat()
    entries: list[dict[str, Any]] = [
        {
            "registration_id": registration["registration_id"],
            "scores": {"过程化考核": 75},
            "evaluated_on": today,
            "examiners": ["王五", "赵六", "孙七"],
        }
        for registration in listed["registrations"]
    ]
    recorded = await assessment.post(
        f"{base}/results", json={"results": entries}, headers=enterprise
    )
    assert recorded.json()["passed"] == ROWS

    submitted = await assessment.post(f"{base}/roster", headers=enterprise)
    assert submitted.status_code == 200, submitted.text
    roster_id = submitted.json()["roster_id"]
    assert submitted.json()["row_count"] == ROWS

    topic = assessment_settings.topic(topics.ASSESSMENT_EVENTS)

    def complete(records: list[Any]) -> bool:
        return any(r.json()["type"].endswith(".roster.submitted.v1") for r in records)

    records = await read_until(
        assessment_settings.kafka_bootstrap_servers, topic, complete, timeout=90
    )
    roster = [r for r in records if r.json()["subject"] == roster_id]
    assert roster[-1].json()["type"].endswith(".roster.submitted.v1")
    chunks = [r.json()["data"] for r in roster[:-1]]
    assert [c["chunk_index"] for c in chunks] == list(
        range(roster[-1].json()["data"]["chunk_count"])
    )
    assert sum(len(c["rows"]) for c in chunks) == ROWS
    assert max(len(r.value) for r in records) < MAX_MESSAGE_BYTES

    validated = wrap(
        RosterValidated(
            roster_id=roster_id, institution_uscc=USCC, ok=True, row_count=ROWS, error_count=0
        )
    ).model_copy(update={"sequence": "1000"})
    approved = wrap(
        RosterCityApproved(roster_id=roster_id, institution_uscc=USCC, reviewed_by="staff-1")
    ).model_copy(update={"sequence": "2000"})
    for event in (validated, approved):
        await produce(
            assessment_settings.kafka_bootstrap_servers,
            assessment_settings.topic(topics.CERTIFICATION_EVENTS),
            event.to_json_bytes(),
            key=USCC.encode(),
            headers={"content-type": "application/cloudevents+json"},
        )

    async def approved_by_city() -> bool:
        view = (await assessment.get(f"{base}/roster", headers=enterprise)).json()
        return view["submissions"][-1]["stage"] == "city_approved"

    await eventually(approved_by_city, timeout=30)
