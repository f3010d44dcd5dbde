"""``AggregateStore.commit_many``: the commit protocol's three writes in bulk, against the real
database — each commit still its own unique insert, a taken version refused and left unchanged."""

from __future__ import annotations

import pytest

from skilleval_shared.envelope import wrap
from skilleval_shared.storage.aggregates import AggregateStore
from support.probe_event import ProbeRecorded

pytestmark = pytest.mark.integration

USCC = "91350100M000100Y43"


@pytest.fixture
def db(mongo, make_settings):
    return mongo[make_settings("filing").database_name]


async def test_new_aggregates_commit_in_bulk_and_a_taken_version_is_refused(db):
    store = AggregateStore(db, "probe")
    await store.commit("taken", 0, {"owner": "first"})
    changes = [
        (name, 0, {"owner": "bulk", "name": name}, [wrap(ProbeRecorded(uscc=USCC, probe_id=name))])
        for name in ("a", "b", "c", "taken")
    ]
    refused = await store.commit_many(changes)
    assert refused == {"taken"}
    for name in ("a", "b", "c"):
        loaded = await store.load(name)
        assert loaded is not None and (loaded.version, loaded.state["owner"]) == (1, "bulk")
        snapshot = await db["probe"].find_one({"_id": name})
        assert snapshot is not None and snapshot["version"] == 1
        commit = await db["commits"].find_one({"_id": f"probe:{name}:1"})
        assert commit is not None and commit["events"][0]["value"]["sequence"] == "1000"
    kept = await store.load("taken")
    assert kept is not None and kept.state == {"owner": "first"}
    # one pointer per commit that landed (the refused one's is gone), as ``commit`` leaves them
    assert await db["outbox"].count_documents({}) == 4


async def test_later_versions_replace_older_snapshots_only(db):
    store = AggregateStore(db, "probe")
    await store.commit("x", 0, {"step": 1})
    await store.commit("y", 0, {"step": 1})
    await store.commit("y", 1, {"step": 2})
    refused = await store.commit_many([("x", 1, {"step": 2}, []), ("y", 1, {"step": 9}, [])])
    assert refused == {"y"}
    x = await db["probe"].find_one({"_id": "x"})
    y = await db["probe"].find_one({"_id": "y"})
    assert x is not None and (x["version"], x["state"]) == (2, {"step": 2})
    assert y is not None and (y["version"], y["state"]) == (2, {"step": 2})


async def test_bulk_loads_read_snapshots_and_a_stale_one_only_gets_its_commit_refused(db):
    store = AggregateStore(db, "probe")
    await store.commit("fresh", 0, {"step": 1})
    await store.commit("stale", 0, {"step": 1})
    await store.commit("stale", 1, {"step": 2})
    # the snapshot left behind a newer commit (a writer that died before its snapshot)
    await db["probe"].replace_one({"_id": "stale"}, {"_id": "stale", "version": 1, "state": {}})
    # and one with commits but no snapshot at all
    await store.commit("bare", 0, {"step": 1})
    await db["probe"].delete_one({"_id": "bare"})

    fresh, stale, bare, missing = await store.load_many(["fresh", "stale", "bare", "nothing"])
    assert fresh is not None and (fresh.version, fresh.state) == (1, {"step": 1})
    assert stale is not None and stale.version == 1  # as the snapshot says
    assert bare is not None and (bare.version, bare.state) == (1, {"step": 1})  # loaded in full
    assert missing is None

    refused = await store.commit_many(
        [("fresh", 1, {"step": 2}, []), ("stale", 1, {"step": 9}, []), ("bare", 1, {"step": 2}, [])]
    )
    assert refused == {"stale"}  # decided again after a full load, never overwritten
    kept = await store.load("stale")
    assert kept is not None and (kept.version, kept.state) == (2, {"step": 2})


async def test_a_later_version_writes_its_snapshot_even_where_none_was_written(db):
    store = AggregateStore(db, "probe")
    await store.commit("gone", 0, {"step": 1})
    await db["probe"].delete_one({"_id": "gone"})
    assert await store.commit_many([("gone", 1, {"step": 2}, [])]) == set()
    snapshot = await db["probe"].find_one({"_id": "gone"})
    assert snapshot is not None and (snapshot["version"], snapshot["state"]) == (2, {"step": 2})
