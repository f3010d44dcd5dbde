"""Numbering invariants on the real database (and Kafka for redelivery): every approved row
gets exactly one number, none is issued twice or reused, re-processing gives the same numbers,
and two certification processes numbering at once still collide on nothing."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest

from skilleval_certification.numbering import service as numbering
from skilleval_shared.events.certification import NumberingRequested
from support import certification_samples as s
from support.certification_numbering import (
    approved_roster,
    numbers_of,
    parts_for,
    prepare_projections,
)
from support.kafka import eventually
from support.publish import send

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[3]


def serials(numbers) -> list[int]:
    return [int(number[16:]) for number in numbers]


async def test_reprocessing_and_redelivery_give_the_same_numbers(
    certification, certification_settings
) -> None:
    parts = certification.app.state.certification
    rows = [s.row(seq) for seq in range(1, 41)]
    plan_id, roster_id = s.unique("plan"), s.unique("roster")
    await prepare_projections(parts, plan_id, rows)
    order = await approved_roster(parts, roster_id, plan_id, rows)
    first = await eventually(
        lambda: _issued(parts, roster_id, 40), timeout=60
    )  # via the numbering topic
    assert sorted(serials(first.values())) == list(range(1, 41))
    # re-processed directly, and re-delivered as a fresh message (new event id) on the topic
    assert await numbering.number_roster(parts=parts.numbering, order=order) == 40
    await send(certification_settings, order)
    # the roster's chunks and header delivered again change nothing either
    chunks, header = s.roster_events(roster_id, plan_id, rows)
    await send(certification_settings, *chunks, header)
    await asyncio.sleep(2)
    assert await numbers_of(parts, roster_id) == first
    assert await parts.numbering.certificates.count_documents({}) == 40


async def _issued(parts, roster_id, count):
    found = await numbers_of(parts, roster_id)
    loaded = await parts.rosters.rosters.load(roster_id)
    return found if len(found) == count and loaded.state.status == "issued" else None


async def test_two_processes_numbering_at_once_issue_no_number_twice(
    certification_settings, mongo
) -> None:
    runtime, parts = parts_for(certification_settings)
    plan_id = s.unique("plan")
    rosters = {
        s.unique("roster"): [s.row(seq, n=base + seq) for seq in range(1, 31)]
        for base in (0, 100, 200, 300)
    }
    all_rows = [row for rows in rosters.values() for row in rows]
    await prepare_projections(parts, plan_id, all_rows)
    orders = [
        await approved_roster(parts, roster_id, plan_id, rows)
        for roster_id, rows in rosters.items()
    ]
    payload = [order.model_dump(mode="json") for order in orders]
    env = {"PYTHONPATH": str(REPO / "tests")}
    script = [
        sys.executable,
        "-m",
        "support.certification_numbering",
        certification_settings.namespace,
        certification_settings.mongodb_url,
    ]
    processes = [
        await asyncio.create_subprocess_exec(
            *script,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=REPO,
            env=_env(env),
        )
        for _ in range(2)
    ]
    # the two processes take the rosters in opposite orders, so they race on every block
    inputs = [json.dumps(payload), json.dumps(payload[::-1])]
    results = await asyncio.gather(
        *(p.communicate(i.encode()) for p, i in zip(processes, inputs, strict=True))
    )
    for process, (_out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err.decode()[-3000:]
    issued = {roster_id: await numbers_of(parts, roster_id) for roster_id in rosters}
    every = [number for numbers in issued.values() for number in numbers.values()]
    assert len(every) == len(all_rows) == 120  # every approved row exactly one number
    assert len(set(every)) == len(every)  # none twice
    assert all(len(numbers) == 30 for numbers in issued.values())
    # both processes' events went into the same chunk commits: one winner each
    for order in orders:
        assert await numbering.number_roster(parts=parts.numbering, order=order) == 30
    assert {r: await numbers_of(parts, r) for r in rosters} == issued
    # a later roster continues after every block claimed, so nothing is reused
    later_id = s.unique("roster")
    later_rows = [s.row(seq, n=500 + seq) for seq in range(1, 4)]
    await prepare_projections(parts, plan_id, later_rows)
    order = await approved_roster(parts, later_id, plan_id, later_rows)
    await numbering.number_roster(parts=parts.numbering, order=order)
    later = serials((await numbers_of(parts, later_id)).values())
    assert min(later) > max(serials(every))
    await runtime.mongo.close()


def _env(extra: dict[str, str]) -> dict[str, str]:
    import os

    return dict(os.environ) | extra


async def test_an_order_for_another_roster_state_is_refused_cleanly(
    certification_settings, mongo
) -> None:
    runtime, parts = parts_for(certification_settings)
    order = NumberingRequested(
        roster_id="no-such-roster",
        institution_uscc=s.USCC,
        institution_name="x",
        institution_serial=s.SERIAL,
        issue_date=s.ISSUE_DATE,
        row_count=1,
    )
    with pytest.raises(Exception, match="名册不存在"):
        await numbering.number_roster(parts=parts.numbering, order=order)
    await runtime.mongo.close()


async def test_an_approved_row_missing_from_the_chunks_stops_the_numbering(
    certification_settings, mongo
) -> None:
    """The numbering reads the approved rows from the roster's chunks: one gone means no
    certificate at all (and a numbering order left to fail), never a shorter issue."""
    runtime, parts = parts_for(certification_settings)
    rows = [s.row(seq) for seq in range(1, 11)]
    plan_id, roster_id = s.unique("plan"), s.unique("roster")
    await prepare_projections(parts, plan_id, rows)
    order = await approved_roster(parts, roster_id, plan_id, rows)
    await parts.rosters.chunks.delete_one({"_id": f"{roster_id}:0"})  # its only chunk
    with pytest.raises(numbering.RowsMissing):
        await numbering.number_roster(parts=parts.numbering, order=order)
    assert await numbers_of(parts, roster_id) == {}
    assert (await parts.rosters.rosters.get(roster_id)).state.status == "numbering"
    await runtime.mongo.close()


async def test_two_rosters_for_the_same_people_issue_one_valid_certificate_each(
    certification_settings, mongo
) -> None:
    """Validated side by side (neither person held a certificate yet), both approved, numbered
    at once: the unique holding insert decides, so each person, occupation and level gets one
    valid certificate; the losing rows are recorded on their roster, their numbers gaps."""
    runtime, parts = parts_for(certification_settings)
    plan_id = s.unique("plan")
    people = [s.row(seq, n=700 + seq) for seq in range(1, 21)]
    await prepare_projections(parts, plan_id, people)
    first, second = s.unique("roster"), s.unique("roster")
    orders = [await approved_roster(parts, r, plan_id, people) for r in (first, second)]
    counts = await asyncio.gather(
        *(numbering.number_roster(parts=parts.numbering, order=order) for order in orders)
    )
    assert sum(counts) == len(people)
    issued = {r: await numbers_of(parts, r) for r in (first, second)}
    assert sorted(seq for numbers in issued.values() for seq in numbers) == list(range(1, 21))
    for roster_id, numbers in issued.items():
        roster = (await parts.rosters.rosters.get(roster_id)).state
        assert roster.status == "issued" and roster.certificate_count == len(numbers)
        assert sorted(roster.held_elsewhere_seqs) == sorted(set(range(1, 21)) - set(numbers))
    # re-processing changes nothing
    assert [
        await numbering.number_roster(parts=parts.numbering, order=order) for order in orders
    ] == counts
    assert {r: await numbers_of(parts, r) for r in (first, second)} == issued
    await runtime.mongo.close()
