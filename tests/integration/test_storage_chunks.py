"""ChunkStore against the real database: a 10,000-row roster in, the same roster out."""

from __future__ import annotations

import itertools
import time

import bson
import pytest

from skilleval_shared.storage.chunks import (
    DEFAULT_BUDGET,
    ChunkConflict,
    ChunkCorrupt,
    ChunkStore,
    canonical,
    split_by_budget,
)

pytestmark = pytest.mark.integration

ROSTER = "roster:2026:Y000037123456:batch-7"


def json_size(items):
    return len(canonical(items).encode())


def roster(rows=10_000, note="电工（四级）"):
    """Rows of about 600 bytes of JSON, mostly Chinese text (three bytes a character in UTF-8)."""
    return [
        {
            "row": n,
            "name": f"张{'伟芳娜敏静丽强磊军洋'[n % 10]}{n}",
            "id_number": f"3702021990{n % 12 + 1:02d}{n % 28 + 1:02d}{n % 1000:03d}X",
            "occupation": f"{note} 职业编码 6-31-01-03",
            "unit": "青岛市城阳区某某精密制造有限公司第二分公司",
            "address": f"山东省青岛市城阳区正阳路{n % 500}号{n % 30}单元{n % 7}楼",
            "result": {"theory": 60 + n % 40, "practice": 55 + n % 45, "passed": n % 9 != 0},
            "phone": f"1386532{n:04d}",
            "remark": "理论考试与实操考核均在本单位考点完成，成绩经复核无误。" * 3,
        }
        for n in range(rows)
    ]


@pytest.fixture
def db(mongo, namespace):
    return mongo[f"skilleval_storage_{namespace}"]


@pytest.fixture
def rows():
    rows = roster()
    sizes = [json_size(row) for row in rows]
    assert 500 < sum(sizes) / len(sizes) < 700
    return rows


async def test_a_roster_round_trips_in_chunks_within_the_budget(db, rows):
    store = ChunkStore(db["rosters"])
    began = time.perf_counter()
    await store.put(ROSTER, rows)
    wrote = time.perf_counter() - began
    began = time.perf_counter()
    assert await store.read(ROSTER) == rows
    read = time.perf_counter() - began
    print(f"\n10,000 rows: put {wrote * 1000:.0f} ms, read {read * 1000:.0f} ms")

    header = await db["rosters"].find_one({"_id": ROSTER})
    assert header is not None and header["items"] == 10_000
    chunks = [
        await db["rosters"].find_one({"_id": f"{ROSTER}:{n}"}) for n in range(header["chunks"])
    ]
    assert await db["rosters"].count_documents({}) == header["chunks"] + 1
    assert [row for chunk in chunks for row in chunk["items"]] == rows
    for chunk, following in itertools.pairwise(chunks):
        assert json_size(chunk["items"]) <= DEFAULT_BUDGET
        assert json_size(chunk["items"] + following["items"][:1]) > DEFAULT_BUDGET  # filled up
    assert json_size(chunks[-1]["items"]) <= DEFAULT_BUDGET
    assert all(len(bson.encode(chunk)) < 1.2 * DEFAULT_BUDGET for chunk in chunks)


async def test_the_budget_is_configurable(db, rows):
    store = ChunkStore(db["rosters"], budget=16 * 1024)
    await store.put(ROSTER, rows[:1000])
    header = await db["rosters"].find_one({"_id": ROSTER})
    assert header is not None and header["chunks"] == len(split_by_budget(rows[:1000], 16 * 1024))
    for n in range(header["chunks"]):
        chunk = await db["rosters"].find_one({"_id": f"{ROSTER}:{n}"})
        assert chunk is not None and json_size(chunk["items"]) <= 16 * 1024
    assert await store.read(ROSTER) == rows[:1000]


def test_split_by_budget_keeps_order_and_refuses_an_item_too_big():
    items = [{"n": n, "text": "考" * n} for n in range(200)]
    chunks = split_by_budget(items, 2048)
    assert [item for chunk in chunks for item in chunk] == items
    assert all(json_size(chunk) <= 2048 for chunk in chunks)
    assert split_by_budget([], 2048) == []
    assert split_by_budget([{"a": 1}], len(canonical([{"a": 1}]))) == [[{"a": 1}]]
    with pytest.raises(ValueError, match="over budget"):
        split_by_budget([{"text": "考" * 1000}], 2048)


async def test_putting_the_same_roster_again_changes_nothing(db, rows):
    store = ChunkStore(db["rosters"])
    digest = await store.put(ROSTER, rows)
    count = await db["rosters"].count_documents({})
    assert await store.put(ROSTER, rows) == digest
    assert await db["rosters"].count_documents({}) == count
    assert await store.read(ROSTER) == rows


async def test_a_put_interrupted_before_its_header_is_completed_by_the_next_put(db, rows):
    store = ChunkStore(db["rosters"])
    await store.put(ROSTER, rows)
    # As if the writer died after some chunks: no header, chunks 1 and 3 never written.
    await db["rosters"].delete_many({"_id": {"$in": [ROSTER, f"{ROSTER}:1", f"{ROSTER}:3"]}})
    assert await store.read(ROSTER) is None
    await store.put(ROSTER, rows)
    assert await store.read(ROSTER) == rows


async def test_another_roster_under_the_same_id_is_refused(db, rows):
    store = ChunkStore(db["rosters"])
    await store.put(ROSTER, rows)
    changed = [*rows[:-1], rows[-1] | {"name": "李四"}]
    with pytest.raises(ChunkConflict, match="another payload"):
        await store.put(ROSTER, changed)
    # Nor may it complete the leftovers of an interrupted put of another roster.
    await store.put("other", rows)
    await db["rosters"].delete_one({"_id": "other"})
    with pytest.raises(ChunkConflict, match="another payload"):
        await store.put("other", changed)
    assert await store.read("other") is None
    assert await store.read(ROSTER) == rows


async def test_a_missing_header_reads_as_none(db):
    assert await ChunkStore(db["rosters"]).read("never-stored") is None


async def test_a_missing_chunk_is_a_clear_error(db, rows):
    store = ChunkStore(db["rosters"])
    await store.put(ROSTER, rows)
    await db["rosters"].delete_one({"_id": f"{ROSTER}:2"})
    with pytest.raises(ChunkCorrupt, match=f"chunk {ROSTER}:2 of .* is missing"):
        await store.read(ROSTER)


async def test_an_altered_chunk_is_a_clear_error(db, rows):
    store = ChunkStore(db["rosters"])
    await store.put(ROSTER, rows)
    chunk = await db["rosters"].find_one({"_id": f"{ROSTER}:1"})
    assert chunk is not None
    chunk["items"][5]["name"] = "王五"
    await db["rosters"].replace_one({"_id": chunk["_id"]}, chunk)
    with pytest.raises(ChunkCorrupt, match="do not match its digest"):
        await store.read(ROSTER)
    await db["rosters"].update_one({"_id": f"{ROSTER}:1"}, {"$pop": {"items": 1}})
    with pytest.raises(ChunkCorrupt):
        await store.read(ROSTER)
