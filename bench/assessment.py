"""Assessment's bulk path: a 10,000-candidate xlsx sheet with a few bad rows, read, checked
and registered (the good rows) through the enrolment commit and the chunk store."""

from __future__ import annotations

import time

from skilleval_assessment.candidates import service as candidates
from skilleval_assessment.candidates import sheets
from skilleval_assessment.plans import service as plans
from skilleval_assessment.plans.model import Plan, PlanStatus
from skilleval_shared.settings import Settings
from skilleval_shared.storage.aggregates import AggregateStore
from skilleval_shared.storage.chunks import ChunkStore
from skilleval_shared.storage.mongo import database, make_client
from support.assessment_samples import SPOILT_ROWS, USCC, candidates_sheet, plan_content

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
            enrolments=enrolments,
            batches=ChunkStore(db["enrolment_batches"]),
            uscc=USCC,
            plan_id=plan.plan_id,
            rows=forms,
            bad_rows=bad,
            partial=True,
        )
        total_seconds = time.perf_counter() - started
        if {error.row for error in outcome.errors} != set(SPOILT_ROWS):
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
