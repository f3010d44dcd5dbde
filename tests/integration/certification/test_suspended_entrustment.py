"""A roster evaluated under an entrustment that filing has since suspended (a party's filing
suspended, revoked or lapsed): its rows fail validation with the reason, through real Kafka and
the real database; resumed, the same rows pass."""

from __future__ import annotations

from datetime import date

import pytest

from skilleval_shared.auth import Role
from skilleval_shared.events.assessment_parts import AssessmentMethod, PlanSubject
from skilleval_shared.events.filing import (
    EntrustedScope,
    EntrustmentAccepted,
    EntrustmentResumed,
    EntrustmentSuspended,
)
from support import certification_samples as s
from support.kafka import eventually
from support.publish import send

pytestmark = pytest.mark.integration

WELDER = ("6-18-02-04", "焊工")  # outside the catalog: evaluated only under the entrustment
PARTIES = {
    "uscc": s.USCC,
    "entrustment_id": "ent-1",
    "client_uscc": s.OTHER_USCC,
    "client_name": "青岛委托制造有限公司",
}


def entrusted() -> EntrustmentAccepted:
    return EntrustmentAccepted(
        **PARTIES,
        scope=(EntrustedScope(occupation_code=WELDER[0], levels=frozenset({4})),),
        valid_from=date(2026, 1, 1),
        valid_until=date(2026, 12, 31),
        agreement_sha256="ab" * 32,
        decided_by="staff-1",
    )


def welders_plan(plan_id: str):
    plan = s.plan_submitted(plan_id)
    welding = PlanSubject(
        occupation_code=WELDER[0],
        occupation_name=WELDER[1],
        levels=frozenset({4}),
        method=AssessmentMethod.EXAMINATION,
    )
    return plan.model_copy(
        update={
            "subjects": (welding,),
            "entrustment_id": "ent-1",
            "client_uscc": s.OTHER_USCC,
        }
    )


async def _validated(certification, roster_id, headers):
    response = await certification.get(f"/api/v1/rosters/{roster_id}", headers=headers)
    found = response.json() if response.status_code == 200 else {}
    return found if found.get("status") == "validated" else None


async def _problems(certification, roster_id, headers) -> dict[int, list[str]]:
    response = await certification.get(f"/api/v1/rosters/{roster_id}/problems", headers=headers)
    by_seq: dict[int, list[str]] = {}
    for problem in response.json()["problems"]:
        by_seq.setdefault(problem["seq"], []).append(problem["message"])
    return by_seq


async def test_rows_under_a_suspended_entrustment_fail_with_the_reason(
    certification, certification_settings, tokens
) -> None:
    settings = certification_settings
    enterprise = tokens(Role.ENTERPRISE)
    institutions = certification.app.state.certification.rosters.institutions
    rows = [s.row(seq, occupation_code=WELDER[0], work_type=None, level=4) for seq in range(1, 3)]
    suspended = EntrustmentSuspended(
        **PARTIES, party_uscc=s.USCC, suspended_on=date(2026, 3, 10), reason="受托方已暂停评价"
    )
    first_plan, first_roster = s.unique("plan"), s.unique("roster")
    await send(
        settings,
        s.filed(),
        entrusted(),
        welders_plan(first_plan),
        s.plan_accepted(first_plan),
        *(s.result(first_plan, r) for r in rows),
        suspended,
    )

    async def held(reason: str | None) -> bool:
        found = await institutions.get(s.USCC)
        return (
            found is not None
            and bool(found.entrustments)
            and found.entrustments[0].suspended_reason == reason
        )

    await eventually(lambda: held("受托方已暂停评价"), timeout=30)
    await eventually(
        lambda: certification.app.state.certification.rosters.evaluations.plan(first_plan),
        timeout=30,
    )
    chunks, header = s.roster_events(first_roster, first_plan, rows)
    await send(settings, *chunks, header)

    validated = await eventually(
        lambda: _validated(certification, first_roster, enterprise), timeout=60
    )
    assert (validated["passed_count"], validated["failed_count"]) == (0, 2)
    by_seq = await _problems(certification, first_roster, enterprise)
    for seq in (1, 2):
        assert any(
            "委托评价协议已中止（受托方已暂停评价）" in message for message in by_seq[seq]
        ), by_seq

    # Resumed: a roster of the same plan passes.
    await send(settings, EntrustmentResumed(**PARTIES, resumed_on=date(2026, 3, 15)))
    await eventually(lambda: held(None), timeout=30)
    second_roster = s.unique("roster")
    chunks, header = s.roster_events(second_roster, first_plan, rows)
    await send(settings, *chunks, header)
    validated = await eventually(
        lambda: _validated(certification, second_roster, enterprise), timeout=60
    )
    assert (validated["passed_count"], validated["failed_count"]) == (2, 0), await _problems(
        certification, second_roster, enterprise
    )
