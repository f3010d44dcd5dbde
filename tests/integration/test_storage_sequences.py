"""BlockAllocator against the real database: distinct, contiguous, idempotent, race-proof."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from skilleval_shared.storage.sequences import BlockAllocator, RequestMismatch, SequenceExhausted
from support.storage_race import SERIES, race, size_of

pytestmark = pytest.mark.integration


@pytest.fixture
def db(mongo, namespace):
    return mongo[f"skilleval_storage_{namespace}"]


def numbers_of(blocks):
    return [n for block in blocks for n in block]


async def test_ten_thousand_numbers_are_distinct_and_contiguous(db):
    allocator = BlockAllocator(db["sequences"])
    began = time.perf_counter()
    one = await allocator.allocate("one-block", "roster-1", 10_000)
    single = time.perf_counter() - began

    began = time.perf_counter()
    blocks = await asyncio.gather(
        *(allocator.allocate(SERIES, f"roster-{n}", 100) for n in range(100))
    )
    hundred = time.perf_counter() - began
    print(f"\n10,000 numbers: one block {single * 1000:.1f} ms; 100 blocks {hundred * 1000:.1f} ms")

    assert one == range(1, 10_001)
    assert all(len(block) == 100 for block in blocks)
    assert sorted(numbers_of(blocks)) == list(range(1, 10_001))
    assert single < 5 and hundred < 5


async def test_a_redelivered_request_gets_the_same_block(db):
    allocator = BlockAllocator(db["sequences"])
    first = await allocator.allocate(SERIES, "request-a", 30)
    other = await allocator.allocate(SERIES, "request-b", 5)
    assert await allocator.allocate(SERIES, "request-a", 30) == first == range(1, 31)
    # another process (a replica, or this one restarted) remembers nothing and agrees
    assert await BlockAllocator(db["sequences"]).allocate(SERIES, "request-a", 30) == first
    assert other == range(31, 36)
    assert await allocator.allocated(SERIES, "request-a") == first
    assert await allocator.allocated(SERIES, "request-c") is None
    with pytest.raises(RequestMismatch):
        await allocator.allocate(SERIES, "request-a", 31)
    # series are independent
    assert await allocator.allocate("Y000037123456:26:4", "request-a", 3) == range(1, 4)


async def test_concurrent_requests_of_several_allocators_never_overlap(db):
    allocators = [BlockAllocator(db["sequences"]) for _ in range(3)]  # three replicas
    requests = [(f"request-{n}", size_of(f"request-{n}")) for n in range(60)]
    calls = [
        allocator.allocate(SERIES, request_id, size)
        for request_id, size in requests
        for allocator in allocators
    ]
    blocks = await asyncio.gather(*calls)
    by_request: dict[str, set[range]] = {}
    for ((request_id, size), _), block in zip(
        ((r, a) for r in requests for a in allocators), blocks, strict=True
    ):
        assert len(block) == size
        by_request.setdefault(request_id, set()).add(block)
    assert all(len(got) == 1 for got in by_request.values()), by_request
    issued = numbers_of(next(iter(got)) for got in by_request.values())
    assert len(issued) == len(set(issued))
    assert min(issued) >= 1


async def test_a_crash_between_claim_and_record_never_issues_a_block_twice(db):
    allocator = BlockAllocator(db["sequences"])
    await allocator.allocate(SERIES, "before", 10)
    # A process claimed 11…15 for "lost" and died before writing the request record.
    await db["sequences"].insert_one(
        {"_id": f"{SERIES}:11", "series": SERIES, "start": 11, "end": 15, "request": "lost"}
    )
    # A redelivery that walks onto its own claim adopts it …
    assert await BlockAllocator(db["sequences"]).allocate(SERIES, "lost", 5) == range(11, 16)
    # … and one that meets another request's orphan claim steps over it: that block is a gap.
    await db["sequences"].insert_one(
        {"_id": f"{SERIES}:16", "series": SERIES, "start": 16, "end": 20, "request": "dead"}
    )
    assert await BlockAllocator(db["sequences"]).allocate(SERIES, "next", 2) == range(21, 23)
    assert await allocator.allocate(SERIES, "after", 1) == range(23, 24)


async def test_two_processes_racing_on_one_series_never_issue_a_number_twice(db, infra, namespace):
    database = f"skilleval_storage_{namespace}"
    began = time.perf_counter()
    one, two = await race("sequences", infra.mongodb_url, database, ["one", "two"])
    print(f"\n2 processes x 200 requests: {time.perf_counter() - began:.2f} s")
    assert len(one) == len(two) == 200
    for request_id in set(one) & set(two):  # handled by both: one block
        assert one[request_id] == two[request_id], request_id
    blocks = {request_id: range(*block) for request_id, block in (one | two).items()}
    assert len(blocks) == 300
    assert all(len(block) == size_of(r) for r, block in blocks.items())
    issued = numbers_of(blocks.values())
    assert len(issued) == len(set(issued)), "a number was issued twice"
    # What the racers were told is what the request records say, and claims never overlap.
    check = BlockAllocator(db["sequences"])
    for request_id, block in blocks.items():
        assert await check.allocated(SERIES, request_id) == block
    documents = await db["sequences"].find({}).to_list()
    claimed = sorted((d["start"], d["end"]) for d in documents if d["_id"].startswith(f"{SERIES}:"))
    assert len(claimed) >= 300
    assert all(a[1] < b[0] for a, b in itertools.pairwise(claimed)), claimed


async def test_exhaustion_is_a_clear_error_and_takes_nothing(db):
    allocator = BlockAllocator(db["sequences"], max_number=10)
    assert await allocator.allocate(SERIES, "a", 7) == range(1, 8)
    with pytest.raises(SequenceExhausted, match="no room for 4 more numbers after 7"):
        await allocator.allocate(SERIES, "b", 4)
    assert await allocator.allocate(SERIES, "c", 3) == range(8, 11)
    with pytest.raises(SequenceExhausted):
        await BlockAllocator(db["sequences"], max_number=10).allocate(SERIES, "d", 1)
    assert await allocator.allocated(SERIES, "b") is None


async def test_bad_series_names_and_counts_are_refused(db):
    allocator = BlockAllocator(db["sequences"])
    for series in ("a@b", "a#b"):
        with pytest.raises(ValueError, match="no '@' or '#'"):
            await allocator.allocate(series, "r", 1)
    with pytest.raises(ValueError, match="at least one"):
        await allocator.allocate(SERIES, "r", 0)
