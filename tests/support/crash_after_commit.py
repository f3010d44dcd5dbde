"""Commit one aggregate with an event, then die by SIGKILL before any relay can publish it.

Usage: python crash_after_commit.py MONGODB_URL DATABASE PROBE_ID
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from probe_event import ProbeRecorded
from pymongo import AsyncMongoClient

from skilleval_shared.envelope import wrap
from skilleval_shared.storage.aggregates import AggregateStore


async def main(url: str, database: str, probe_id: str) -> None:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(url, tz_aware=True)
    store = AggregateStore(client[database], "probe")
    event = wrap(ProbeRecorded(uscc="91350100M000100Y43", probe_id=probe_id, note="last words"))
    await store.commit(probe_id, 0, {"note": "last words"}, [event])
    print(event.id, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
