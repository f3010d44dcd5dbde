"""``Repository[T]`` over the in-memory store: load, save with events, conflicts, scans."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from skilleval_shared.domain_errors import NotFound
from skilleval_shared.envelope import wrap
from skilleval_shared.events.filing import EnterpriseRegistered
from skilleval_shared.repository import Repository
from skilleval_shared.storage.aggregates import ConcurrentUpdate
from support.memory_store import MemoryStore

USCC = "91370200MA3C12345X"


class Counter(BaseModel):
    name: str
    count: int = 0


def repository(store: MemoryStore) -> Repository[Counter]:
    return Repository(
        store, Counter, missing="没有这个计数器", indexed=lambda c: {"big": c.count > 1}
    )


async def test_a_saved_state_loads_back_at_its_version() -> None:
    counters = repository(MemoryStore())
    await counters.add("a", Counter(name="甲"))
    saved = await counters.save("a", 1, Counter(name="甲", count=1))

    loaded = await counters.get("a")
    assert (
        (loaded.version, loaded.state)
        == (2, Counter(name="甲", count=1))
        == (
            saved.version,
            saved.state,
        )
    )


async def test_get_of_a_missing_aggregate_is_not_found_in_chinese() -> None:
    with pytest.raises(NotFound, match="没有这个计数器"):
        await repository(MemoryStore()).get("nobody")


async def test_events_are_committed_with_the_state() -> None:
    store = MemoryStore()
    event = wrap(
        EnterpriseRegistered(
            uscc=USCC,
            enterprise_name="青岛示例",
            email="a@example.com",
            contact_name="李",
            contact_phone="13800138000",
        )
    )
    await repository(store).add("a", Counter(name="甲"), [event])
    assert store.published == [event]


async def test_a_stale_save_is_a_concurrent_update() -> None:
    counters = repository(MemoryStore())
    await counters.add("a", Counter(name="甲"))
    await counters.save("a", 1, Counter(name="甲", count=1))
    with pytest.raises(ConcurrentUpdate):
        await counters.save("a", 1, Counter(name="甲", count=5))


async def test_retrying_decides_again_on_fresh_state() -> None:
    counters = repository(MemoryStore())
    await counters.add("a", Counter(name="甲"))
    rival_done = False

    async def increment() -> int:
        nonlocal rival_done
        found = await counters.get("a")
        if not rival_done:  # another writer commits between our load and our save
            rival_done = True
            await counters.save("a", found.version, Counter(name="甲", count=10))
        saved = await counters.save(
            "a", found.version, found.state.model_copy(update={"count": found.state.count + 1})
        )
        return saved.state.count

    assert await counters.retrying(increment) == 11


async def test_find_scans_the_indexed_fields() -> None:
    counters = repository(MemoryStore())
    await counters.add("a", Counter(name="甲", count=1))
    await counters.add("b", Counter(name="乙", count=2))

    found = await counters.find({"big": True})
    assert [item.id for item in found] == ["b"]


async def test_state_at_reads_an_earlier_commit() -> None:
    counters = repository(MemoryStore())
    await counters.add("a", Counter(name="甲"))
    await counters.save("a", 1, Counter(name="甲", count=7))
    assert await counters.state_at("a", 1) == Counter(name="甲")
    assert await counters.state_at("a", 3) is None
