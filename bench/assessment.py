"""Assessment's bulk path: a 10,000-candidate xlsx sheet with a few bad rows, read, checked
and registered (the good rows) through the enrolment commit and the chunk store."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from skilleval_assessment.candidates import service as candidates
from skilleval_assessment.candidates import sheets
from skilleval_assessment.plans import service as plans
from skilleval_assessment.plans.model import Plan, PlanStatus
from skilleval_assessment.settings import AssessmentSettings
from skilleval_shared.events.assessment_parts import AssessmentMethod
from skilleval_shared.settings import Settings
from skilleval_shared.storage.aggregates import AggregateStore
from skilleval_shared.storage.chunks import ChunkStore
from skilleval_shared.storage.mongo import database, make_client
from support.assessment_samples import (
    SPOILT_ROWS,
    USCC,
    FakeInstitutions,
    candidates_sheet,
    institution,
    plan_content,
)

ROWS = 10_000


async def bench_candidate_import(settings: Settings) -> dict[str, float]:
    """Seconds to read the sheet, to check and register its rows, and in all."""
    sheet = candidates_sheet(ROWS)
    client = make_client(settings)
    db = database(client, settings)
    try:
        plan_repository = plans.repository(AggregateStore(db, plans.KIND))
        plan = Plan(
            plan_id=plans.new_plan_id(),
            uscc=USCC,
            status=PlanStatus.DRAFT,
            content=plan_content(expected_candidates=ROWS),
        )
        await plan_repository.add(plan.plan_id, plan)
        enrolments = candidates.repository(AggregateStore(db, candidates.KIND))
        started = time.perf_counter()
        forms, bad = sheets.read(sheet, "xlsx")
        read_seconds = time.perf_counter() - started
        outcome = await candidates.register(
            plans=plan_repository,
            institutions=FakeInstitutions(institution()),
            enrolments=enrolments,
            batches=ChunkStore(db["enrolment_batches"]),
            uscc=USCC,
            plan_id=plan.plan_id,
            rows=forms,
            bad_rows=bad,
            partial=True,
        )
        total_seconds = time.perf_counter() - started
        if {error.row for error in outcome.errors} != set(SPOILT_ROWS):  # ineligible rows are kept
            raise AssertionError("the import did not report exactly the spoilt rows")
    finally:
        await client.drop_database(settings.database_name)
        await client.close()
    return {
        "candidate_import_s": total_seconds,
        "candidate_read_s": read_seconds,
        "candidate_register_s": total_seconds - read_seconds,
        "candidates_registered": float(len(outcome.registered)),
    }


async def _accepted_plan_with_candidates(db: Any, count: int) -> str:
    """A plan already accepted (过程化考核, so no exam seats) with ``count`` candidates."""
    plan_repository = plans.repository(AggregateStore(db, plans.KIND))
    content = plan_content(expected_candidates=count)
    lathe = content.subjects[0].model_copy(update={"method": AssessmentMethod.PROCESS})
    plan = Plan(
        plan_id=plans.new_plan_id(),
        uscc=USCC,
        status=PlanStatus.ACCEPTED,
        content=content.model_copy(update={"subjects": (lathe,)}),
    )
    await plan_repository.add(plan.plan_id, plan)
    forms, bad = sheets.read(candidates_sheet(count, spoilt=False), "xlsx")
    outcome = await candidates.register(
        plans=plan_repository,
        institutions=FakeInstitutions(institution()),
        enrolments=candidates.repository(AggregateStore(db, candidates.KIND)),
        batches=ChunkStore(db["enrolment_batches"]),
        uscc=USCC,
        plan_id=plan.plan_id,
        rows=forms,
        bad_rows=bad,
    )
    assert len(outcome.registered) == count, outcome.errors[:3]
    return plan.plan_id


async def bench_result_entry(settings: AssessmentSettings) -> dict[str, float]:
    """Seconds to enter 10,000 results in one request over HTTP (the app served in process)."""
    from skilleval_assessment.bootstrap import build_app
    from skilleval_shared.auth import Principal, Role, issuer_from_settings
    from support.apps import serve_in_process

    app = build_app(settings)
    try:
        async with serve_in_process(app) as client:
            db = app.state.assessment.imports.database
            plan_id = await _accepted_plan_with_candidates(db, ROWS)
            principal = Principal(subject=USCC, role=Role.ENTERPRISE, uscc=USCC, name="bench")
            token = issuer_from_settings(settings).issue(principal)
            headers = {"Authorization": f"Bearer {token}"}
            listed = await client.get(f"/api/v1/plans/{plan_id}/candidates", headers=headers)
            today = date.today().isoformat()
            entries = [
                {
                    "registration_id": r["registration_id"],
                    "scores": {"过程化考核": 75},
                    "evaluated_on": today,
                    "examiners": ["王五", "赵六", "孙七"],
                }
                for r in listed.json()["registrations"]
            ]
            started = time.perf_counter()
            answer = await client.post(
                f"/api/v1/plans/{plan_id}/results", json={"results": entries}, headers=headers
            )
            seconds = time.perf_counter() - started
            if answer.status_code != 200 or answer.json()["passed"] != ROWS:
                raise AssertionError(answer.text[:500])
    finally:
        client_ = make_client(settings)
        await client_.drop_database(settings.database_name)
        await client_.close()
    return {"result_entry_s": seconds}


def main() -> None:
    """``uv run python -m bench.assessment [import|results]``: one measure, printed."""
    import asyncio
    import sys
    import tempfile
    import uuid
    from pathlib import Path

    from skilleval_shared.keygen import generate_keypair
    from support.infra import provide_infra

    which = sys.argv[1:] or ["import", "results"]
    with provide_infra() as infra, tempfile.TemporaryDirectory() as keys:
        private, public = generate_keypair()
        (Path(keys) / "private.pem").write_text(private)
        (Path(keys) / "public.pem").write_text(public)
        settings = AssessmentSettings(
            kafka_bootstrap_servers=infra.kafka_bootstrap_servers,
            mongodb_url=infra.mongodb_url,
            namespace="bench" + uuid.uuid4().hex[:8],
            topic_partitions=1,
            consumer_workers=1,
            jwt_private_key_file=str(Path(keys) / "private.pem"),
            jwt_public_key_file=str(Path(keys) / "public.pem"),
        )
        if "import" in which:
            print(asyncio.run(bench_candidate_import(settings)))
        if "results" in which:
            print(asyncio.run(bench_result_entry(settings)))


if __name__ == "__main__":
    main()
