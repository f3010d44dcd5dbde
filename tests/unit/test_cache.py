"""TimedValue: one load per time-to-live, shared by concurrent callers."""

from __future__ import annotations

import asyncio

import pytest

from skilleval_shared.cache import TimedValue


class Source:
    def __init__(self) -> None:
        self.loads = 0
        self.now = 0.0

    async def load(self) -> list[int]:
        self.loads += 1
        await asyncio.sleep(0.01)
        return [self.loads]

    def clock(self) -> float:
        return self.now


async def test_loads_once_per_ttl_and_again_after_it():
    source = Source()
    value = TimedValue(source.load, 30, source.clock)
    assert await value.get() == [1]
    source.now = 29.9
    assert await value.get() == [1]
    source.now = 30.0
    assert await value.get() == [2]
    assert source.loads == 2


async def test_concurrent_callers_share_one_load():
    source = Source()
    value = TimedValue(source.load, 30, source.clock)
    results = await asyncio.gather(*(value.get() for _ in range(50)))
    assert results == [[1]] * 50
    assert source.loads == 1


async def test_invalidate_makes_the_next_get_load_and_zero_ttl_always_loads():
    source = Source()
    value = TimedValue(source.load, 30, source.clock)
    await value.get()
    value.invalidate()
    assert await value.get() == [2]
    uncached = TimedValue(source.load, 0, source.clock)
    assert [await uncached.get() for _ in range(2)] == [[3], [4]]


async def test_a_failed_load_is_not_cached():
    calls = 0

    async def flaky() -> str:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("数据库暂时不可用")
        return "ok"

    value = TimedValue(flaky, 30)
    with pytest.raises(ConnectionError):
        await value.get()
    assert await value.get() == "ok"


async def test_an_invalidation_during_a_load_is_not_lost():
    loading, release = asyncio.Event(), asyncio.Event()
    rows = ["filing-A"]

    async def scan() -> list[str]:
        seen = list(rows)
        loading.set()
        await release.wait()
        return seen

    value = TimedValue(scan, 30)
    first = asyncio.create_task(value.get())
    await loading.wait()
    rows.append("filing-B")  # a save lands while the scan is running...
    value.invalidate()  # ...and invalidates
    release.set()
    assert await first == ["filing-A"]
    assert await value.get() == ["filing-A", "filing-B"]
