"""Projections apply an event only when it is newer than what they hold, per source aggregate."""

from __future__ import annotations

import time

import pytest

from skilleval_shared.envelope import wrap
from skilleval_shared.storage.projection import Projection
from support.probe_event import ProbeRecorded

pytestmark = pytest.mark.integration

USCC = "91350100M000100Y43"


def event(probe_id: str, note: str, sequence: int):
    return wrap(ProbeRecorded(uscc=USCC, probe_id=probe_id, note=note)).model_copy(
        update={"sequence": str(sequence)}
    )


def note_of(e):
    return lambda body: body | {"note": e.data.note, "count": body.get("count", 0) + 1}


@pytest.fixture
def projection(mongo, namespace):
    return Projection(mongo[f"skilleval_projection_{namespace}"]["views"])


async def test_a_replayed_or_late_event_never_rolls_the_projection_back(projection):
    first, second = event("a", "first", 1000), event("a", "second", 2000)
    assert await projection.apply("k", first, note_of(first))
    assert await projection.apply("k", second, note_of(second))
    assert not await projection.apply("k", first, note_of(first))  # late
    assert not await projection.apply("k", second, note_of(second))  # replayed
    document = await projection.get("k")
    assert (document["note"], document["count"]) == ("second", 2)


async def test_each_source_aggregate_has_its_own_counter(projection):
    filing, book = event("filing-1", "filing", 5000), event("book", "book", 1000)
    assert await projection.apply("k", filing, note_of(filing))
    assert await projection.apply("k", book, note_of(book))  # lower number, other aggregate
    assert (await projection.get("k"))["count"] == 2


async def test_ten_thousand_events_apply_in_bulk_in_order(projection):
    items = []
    for n in range(10_000):
        e = event(f"agg-{n % 100}", f"n{n}", 1000 * (n // 100 + 1))
        items.append((f"key-{n % 100}", e, note_of(e)))
    started = time.perf_counter()
    assert await projection.apply_many(items) == 10_000
    print(f"\n10,000 events onto 100 documents in {time.perf_counter() - started:.2f}s")
    assert await projection.apply_many(items) == 0  # the whole batch replayed
    document = await projection.get("key-7")
    assert (document["note"], document["count"]) == ("n9907", 100)


async def test_insert_first_creates_new_documents_and_applies_the_stored_ones_as_usual(
    mongo, namespace
):
    inserting = Projection(mongo[f"skilleval_projection_{namespace}"]["fresh"], insert_first=True)
    old = event("old", "old", 1000)
    assert await inserting.apply("stored", old, note_of(old))  # created by the insert
    items = []
    for n in range(50):
        e = event(f"new-{n}", f"new{n}", 1000)
        items.append((f"new-{n}", e, note_of(e)))
    later = event("old", "later", 2000)
    items += [(later_key, e, note_of(e)) for later_key, e in [("stored", old), ("stored", later)]]
    assert await inserting.apply_many(items) == 51  # the replayed "old" is not newer
    assert (await inserting.get("stored"))["count"] == 2  # old, then later: nothing lost
    assert (await inserting.get("new-49"))["note"] == "new49"
    assert await inserting.apply_many(items) == 0  # the whole batch replayed changes nothing
    assert (await inserting.get("stored"))["note"] == "later"
