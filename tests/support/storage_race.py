"""One of two processes racing on the same database, for the storage primitives' tests.

Usage: python storage_race.py (sequences|claims) MONGODB_URL DATABASE TAG

It prints ``ready``, waits for a line on stdin (so both racers start together), does its part
and prints one JSON line with what it got.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
from typing import Any

from pymongo import AsyncMongoClient

from skilleval_shared.storage.claims import Claims
from skilleval_shared.storage.sequences import BlockAllocator

SERIES = "Y000037123456:26:3"
SHARED_REQUESTS = 100  # handled by both racers, like a message delivered to two replicas
OWN_REQUESTS = 100  # handled by this racer only
CLAIM_KEYS = 1000


def size_of(request_id: str) -> int:
    """Random but the same in both racers, as a redelivered request asks for the same count."""
    return random.Random(request_id).randint(1, 60)


async def sequences(db: Any, tag: str) -> dict[str, list[int]]:
    allocator = BlockAllocator(db["sequences"])
    requests = [f"shared-{n}" for n in range(SHARED_REQUESTS)]
    requests += [f"{tag}-{n}" for n in range(OWN_REQUESTS)]
    random.Random(tag).shuffle(requests)
    gate = asyncio.Semaphore(8)

    async def allocate(request_id: str) -> list[int]:
        async with gate:
            block = await allocator.allocate(SERIES, request_id, size_of(request_id))
        return [block.start, block.stop]

    blocks = await asyncio.gather(*map(allocate, requests))
    return dict(zip(requests, blocks, strict=True))


async def claims(db: Any, tag: str) -> dict[str, str]:
    claims = Claims(db["claims"], "mail")
    keys = [f"event-{n}:recipient-{n % 7}" for n in range(CLAIM_KEYS)]
    random.Random(tag).shuffle(keys)
    states: dict[str, str] = {}
    for start in range(0, len(keys), 50):
        batch = keys[start : start + 50]
        if (start // 50) % 2:  # every other batch one by one, the rest in bulk
            got = dict(zip(batch, await asyncio.gather(*map(claims.claim, batch)), strict=True))
        else:
            got = await claims.claim_many(batch)
        for key, state in got.items():
            states[key] = state.value
            if state == "new" and len(key) % 2:
                await claims.record(key, "sent", by=tag)
    return states


async def race(mode: str, url: str, database: str, tags: list[str]) -> list[Any]:
    """Start one racer per tag, let them go together, return what each printed (parsed)."""
    racers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            mode,
            url,
            database,
            tag,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for tag in tags
    ]
    for racer in racers:
        assert racer.stdout is not None
        line = await asyncio.wait_for(racer.stdout.readline(), 60)
        assert line.strip() == b"ready", line
    results = await asyncio.gather(
        *(asyncio.wait_for(racer.communicate(b"go\n"), 120) for racer in racers)
    )
    for racer, (_, err) in zip(racers, results, strict=True):
        assert racer.returncode == 0, err.decode()
    return [json.loads(out) for out, _ in results]


async def main(mode: str, url: str, database: str, tag: str) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(url, tz_aware=True)
    db = client[database]
    await db.command("ping")
    print("ready", flush=True)
    sys.stdin.readline()
    result = await (sequences(db, tag) if mode == "sequences" else claims(db, tag))
    print(json.dumps(result), flush=True)
    await client.close()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
