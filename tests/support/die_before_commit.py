"""Start a commit, then die by SIGKILL between its outbox pointer and its commit insert.

Usage: python die_before_commit.py MONGODB_URL DATABASE AGGREGATE_ID
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from typing import Any

from probe_event import ProbeRecorded
from pymongo import AsyncMongoClient

from skilleval_shared.envelope import wrap
from skilleval_shared.storage.aggregates import AggregateStore


class DiesOnInsert:
    def __init__(self, real: Any) -> None:
        self._real = real

    async def insert_one(self, document: Any) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


async def main(url: str, database: str, aggregate_id: str) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(url, tz_aware=True)
    store = AggregateStore(client[database], "probe")
    store.commits = DiesOnInsert(store.commits)  # type: ignore[assignment]
    event = wrap(ProbeRecorded(uscc="91350100M000100Y43", probe_id=aggregate_id, note="doomed"))
    await store.commit(aggregate_id, 0, {"note": "doomed"}, [event])


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
