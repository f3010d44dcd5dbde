"""Claims against the real database: the side effect of a key is claimed by one caller only."""

from __future__ import annotations

import asyncio

import pytest

from skilleval_shared.storage.claims import Claims, ClaimState
from support.storage_race import CLAIM_KEYS, race

pytestmark = pytest.mark.integration

KEY = "cert.issued:evt-1:zhang@example.cn"


@pytest.fixture
def db(mongo, namespace):
    return mongo[f"skilleval_storage_{namespace}"]


async def test_a_claim_is_new_once_then_done_after_its_outcome(db):
    claims = Claims(db["claims"], "mail")
    assert await claims.claim(KEY) == ClaimState.NEW
    await claims.record(KEY, "sent", message_id="<evt-1.zhang@skilleval.cn>")
    assert await claims.claim(KEY) == ClaimState.DONE
    assert await Claims(db["claims"], "mail").claim(KEY) == ClaimState.DONE
    record = await claims.get(KEY)
    assert record is not None and record.state == ClaimState.DONE
    assert (record.outcome, record.details) == (
        "sent",
        {"message_id": "<evt-1.zhang@skilleval.cn>"},
    )
    assert record.recorded_at is not None and record.recorded_at >= record.claimed_at
    # scopes are separate
    assert await Claims(db["claims"], "sms").claim(KEY) == ClaimState.NEW


async def test_a_claim_without_an_outcome_is_pending(db):
    claims = Claims(db["claims"])
    assert await claims.claim(KEY) == ClaimState.NEW
    # the claimer crashed before recording: whoever comes next may act again
    assert await claims.claim(KEY) == ClaimState.PENDING
    assert await claims.claim(KEY) == ClaimState.PENDING
    record = await claims.get(KEY)
    assert record is not None and (record.state, record.outcome) == (ClaimState.PENDING, None)
    assert await claims.get("never-claimed") is None


async def test_claim_many_tells_each_key_apart(db):
    claims = Claims(db["claims"], "mail")
    await claims.claim("done")
    await claims.record("done", "sent")
    await claims.claim("pending")
    keys = ["fresh-1", "done", "pending", "fresh-2", "fresh-1"]
    assert await claims.claim_many(keys) == {
        "fresh-1": ClaimState.NEW,
        "done": ClaimState.DONE,
        "pending": ClaimState.PENDING,
        "fresh-2": ClaimState.NEW,
    }
    assert list(await claims.claim_many(keys)) == ["fresh-1", "done", "pending", "fresh-2"]
    assert set((await claims.claim_many(keys)).values()) == {ClaimState.DONE, ClaimState.PENDING}
    assert await claims.claim_many([]) == {}
    assert await claims.claim_many(["only-new"]) == {"only-new": ClaimState.NEW}


async def test_concurrent_claims_in_one_process_have_one_winner_per_key(db):
    replicas = [Claims(db["claims"], "mail") for _ in range(3)]
    keys = [f"k{n}" for n in range(40)]
    results = await asyncio.gather(
        *(r.claim(key) for key in keys for r in replicas),
        *(r.claim_many(keys) for r in replicas),
    )
    singles, bulks = results[: len(keys) * 3], results[len(keys) * 3 :]
    for index, key in enumerate(keys):
        states = singles[index * 3 : index * 3 + 3] + [bulk[key] for bulk in bulks]
        assert states.count(ClaimState.NEW) == 1, (key, states)


async def test_recording_a_key_never_claimed_claims_it(db):
    claims = Claims(db["claims"])
    await claims.record("walk-in", "skipped", reason="no address")
    assert await claims.claim("walk-in") == ClaimState.DONE
    assert await claims.claim_many(["walk-in"]) == {"walk-in": ClaimState.DONE}


async def test_two_processes_racing_on_the_same_keys_each_get_every_key_once(db, infra, namespace):
    one, two = await race("claims", infra.mongodb_url, f"skilleval_storage_{namespace}", ["a", "b"])
    assert len(one) == len(two) == CLAIM_KEYS
    assert set(one) == set(two)
    for key in one:
        states = sorted([one[key], two[key]])
        assert states.count("new") == 1, (key, states)
        assert set(states) <= {"new", "pending", "done"}
    # what the winners recorded is there; the rest stays pending
    claims = Claims(db["claims"], "mail")
    for key in list(one)[:100]:
        record = await claims.get(key)
        assert record is not None
        expected = ClaimState.DONE if len(key) % 2 else ClaimState.PENDING
        assert record.state == expected, key
        if expected == ClaimState.DONE:
            winner = "a" if one[key] == "new" else "b"
            assert record.details == {"by": winner}


async def test_record_many_closes_several_claims_in_one_write(db):
    claims = Claims(db["claims"], "mail")
    await claims.claim_many(["a", "b"])
    await claims.record_many([("a", "sent", {"message_id": "<a@x>"}), ("b", "failed", {})])
    assert await claims.claim_many(["a", "b"]) == {"a": ClaimState.DONE, "b": ClaimState.DONE}
    record = await claims.get("a")
    assert record is not None and record.details == {"message_id": "<a@x>"}
    assert record.recorded_at is not None and record.recorded_at >= record.claimed_at
