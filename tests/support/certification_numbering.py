"""Drive certification's roster and numbering services directly against the real database:
prepare approved rosters, and number them (also as a separate process, see ``__main__``)."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import date

from skilleval_certification.bootstrap import build_parts
from skilleval_certification.numbering import service as numbering
from skilleval_certification.rosters import service as rosters
from skilleval_certification.settings import CertificationSettings
from skilleval_certification.web import Certification
from skilleval_shared.envelope import wrap
from skilleval_shared.events.certification import NumberingRequested, ReviewStage
from skilleval_shared.runtime import Runtime
from support import certification_samples as s


def parts_for(settings: CertificationSettings) -> tuple[Runtime, Certification]:
    runtime = Runtime(settings)
    return runtime, build_parts(runtime, settings)


async def prepare_projections(parts: Certification, plan_id: str, rows: list) -> None:
    p = parts.rosters
    await p.institutions.record_filed(wrap(s.filed()))
    await p.evaluations.record_plan(wrap(s.plan_submitted(plan_id)))
    await p.evaluations.record_plan_decision(wrap(s.plan_accepted(plan_id)))
    for row in rows:
        await p.evaluations.record_result(wrap(s.result(plan_id, row)))


async def approved_roster(
    parts: Certification, roster_id: str, plan_id: str, rows: list
) -> NumberingRequested:
    """Receive, validate and review a roster twice; the numbering order it produced."""
    chunks, header = s.roster_events(roster_id, plan_id, rows)
    for chunk in chunks:
        await rosters.receive_chunk(parts=parts.rosters, chunk=chunk)
    await rosters.receive_header(parts=parts.rosters, header=header)
    for stage in (ReviewStage.CITY, ReviewStage.PROVINCE):
        roster = await rosters.review(
            parts=parts.rosters,
            roster_id=roster_id,
            stage=stage,
            approve=True,
            reviewed_by="staff-1",
            today=s.ISSUE_DATE,
        )
    assert roster.issue_date is not None
    return NumberingRequested(
        roster_id=roster_id,
        institution_uscc=roster.institution_uscc,
        institution_name=roster.institution_name,
        institution_serial=s.SERIAL,
        issue_date=roster.issue_date,
        row_count=len(roster.approved_seqs()),
    )


async def numbers_of(parts: Certification, roster_id: str) -> dict[int, str]:
    records = parts.numbering.certificates
    return {doc["row"]["seq"]: doc["_id"] async for doc in records.find({"roster_id": roster_id})}


async def _main(namespace: str, mongodb_url: str, orders: list[dict]) -> None:
    settings = CertificationSettings(
        namespace=namespace, mongodb_url=mongodb_url, environment="test"
    )
    runtime, parts = parts_for(settings)
    for order in orders:
        await numbering.number_roster(
            parts=parts.numbering, order=NumberingRequested.model_validate(order)
        )
    await runtime.mongo.close()
    print(json.dumps({"done": len(orders), "on": date.today().isoformat()}))


if __name__ == "__main__":
    asyncio.run(_main(sys.argv[1], sys.argv[2], json.loads(sys.stdin.read())))
