"""The import's progress writer stops even when the driver swallows its cancellation."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from skilleval_assessment.candidates.service import ImportProgressLog


class SwallowingCollection:
    """Like PyMongo on Python 3.11, whose ``wait_for`` can lose a cancellation that arrives as
    the reply does: the write completes and the caller's task carries on as if never cancelled."""

    def __init__(self) -> None:
        self.writes: list[dict[str, Any]] = []

    async def update_one(self, query: dict[str, Any], update: dict[str, Any], **_: Any) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(0.2)
        self.writes.append(update["$set"])


async def test_the_progress_writer_stops_when_a_write_swallows_the_cancellation() -> None:
    collection = SwallowingCollection()
    log = ImportProgressLog(collection, "plan/import", every=0.01)  # type: ignore[arg-type]

    async def import_rows() -> None:
        async with log:
            log.note("checking", 10)
            await asyncio.sleep(0.05)  # the writer is now inside update_one
            log.note("registered", 10)

    running = asyncio.create_task(import_rows())
    done, _ = await asyncio.wait({running}, timeout=5)
    assert done, "the import never finished: its progress writer kept running"
    assert collection.writes[-1] == {"stage": "registered", "rows": 10, "registered": 10}
