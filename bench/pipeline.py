"""Target (a): a 10,000-row roster on the running system (`make up`), from the submit to every
certificate issued, in the registry, sent to and acknowledged by the province, and mailed.

Driven over HTTP by ``support.story`` (the e2e test's steps). An enterprise is filed once per
system (untimed, 1–2 min: the filing service is restarted on its test clock) and noted in
``.run-<offset>/bench-enterprise.json`` for later runs; each run prepares a plan of its own with
``BENCH_ROWS`` candidates (CSV import) and results (one request), untimed, and times the roster
from ``POST /plans/{id}/roster`` on. Stage ends come from the events as they arrive on Kafka
(``support.story.EventWatcher``), the roster's status (polled every 0.2 s) and Mailpit (polled
every ``BENCH_POLL_SECONDS``, 0.5 s).
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from support.story import Enterprise, Story  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "10000"))
POLL = float(os.environ.get("BENCH_POLL_SECONDS", "0.5"))
OFFSET = int(os.environ.get("SKILLEVAL_PORT_OFFSET", "0"))
SAVED = REPO / (f".run-{OFFSET}" if OFFSET else ".run") / "bench-enterprise.json"
# Stages, in seconds from the submit; "complete" is the last of them.
STAGES = ("issued", "issued_events", "registry_sent", "province_acked", "emails")


async def one_run(story: Story, enterprise: Enterprise, rows: int = ROWS) -> dict[str, float]:
    prepared = await story.prepare(enterprise, rows)
    submitted = await story.submit_and_review(prepared)
    stages = await story.wait_complete(submitted, interval=POLL)
    stages["complete"] = max(stages[name] for name in STAGES)
    return stages | prepared.seconds


def line(result: dict[str, float]) -> str:
    return ", ".join(f"{key} {value:.2f}" for key, value in result.items())


async def runs(repeats: int, rows: int = ROWS, log: Any = print) -> list[dict[str, float]]:
    async with Story.connect() as story:
        await story.wait_ready()
        enterprise = await story.reuse_or_file_enterprise(SAVED, log=log)
        done = []
        for index in range(repeats):
            result = await one_run(story, enterprise, rows)
            log(f"[pipeline] run {index + 1}/{repeats}: {line(result)}")
            done.append(result)
        return done


if __name__ == "__main__":
    asyncio.run(runs(int(os.environ.get("BENCH_REPEATS", "1"))))
