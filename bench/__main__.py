"""`make bench`: the raw floor and the core's paths, measured in the same run.

Starts the local infrastructure if nothing answers (like the tests), runs every measure
``BENCH_REPEATS`` times in fresh namespaces, and appends the median, the spread and each core
path's ratio to its floor to bench/RESULTS.md, naming the machine.
"""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from bench import core, floor
from bench.machine import describe_machine
from bench.report import Measure, render
from skilleval_shared.settings import Settings
from support.infra import Infra, provide_infra
from support.kafka import delete_namespace_topics

ROWS = int(os.environ.get("BENCH_ROWS", "10000"))
SINGLE = int(os.environ.get("BENCH_SINGLE_COMMITS", "2000"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
RESULTS = Path(__file__).with_name("RESULTS.md")


def settings_for(infra: Infra, **overrides: Any) -> Settings:
    return Settings(
        service_name="bench",
        kafka_bootstrap_servers=infra.kafka_bootstrap_servers,
        mongodb_url=infra.mongodb_url,
        namespace="bench" + uuid.uuid4().hex[:8],
        outbox_poll_seconds=0.05,
        **overrides,
    )


async def one_round(infra: Infra) -> dict[str, float]:
    """Every measure once, each in its own namespace (topics deleted afterwards)."""
    results: dict[str, float] = {}
    steps = [
        ("floor", lambda s: floor.produce_and_consume(s, ROWS)),
        ("floor", lambda s: floor.insert_and_get(s, ROWS)),
        ("single", lambda s: core.commit_and_relay(s, SINGLE, 1)),
        ("chunk", lambda s: core.commit_and_relay(s, ROWS, 64)),
        ("core", lambda s: core.allocate(s, ROWS)),
        ("core", lambda s: core.batch_consume(s, ROWS)),
    ]
    for prefix, step in steps:
        settings = settings_for(infra)
        try:
            for name, value in (await step(settings)).items():
                results[f"{prefix}.{name}"] = value
        finally:
            await delete_namespace_topics(settings.kafka_bootstrap_servers, settings.namespace)
    return results


async def run() -> list[dict[str, float]]:
    with provide_infra() as infra:
        return [await one_round(infra) for _ in range(REPEATS)]


def measures(rounds: list[dict[str, float]]) -> list[Measure]:
    def values(key: str) -> list[float]:
        return [r[key] for r in rounds]

    def per_event_ms(key: str, count: int) -> list[float]:
        return [v * 1000 / count for v in values(key)]

    insert_ms = per_event_ms("floor.insert_many_s", ROWS)
    produce_ms = per_event_ms("floor.produce_s", ROWS)
    consume_plus_insert_s = [
        c + i for c, i in zip(values("floor.consume_s"), values("floor.insert_many_s"), strict=True)
    ]
    return [
        Measure("floor: produce 10k rows, ms/msg", produce_ms),
        Measure("floor: consume 10k rows, ms/msg", per_event_ms("floor.consume_s", ROWS)),
        Measure("floor: insert_many 10k rows, ms/doc", insert_ms),
        Measure("floor: find_one by _id, ms", values("floor.find_one_ms")),
        Measure(
            "commit, 1 event each, ms/event", per_event_ms("single.commit_s", SINGLE), insert_ms
        ),
        Measure(
            "relay, 1 event per commit, ms/event",
            per_event_ms("single.relay_s", SINGLE),
            produce_ms,
        ),
        Measure(
            "commit, 64 events each, ms/event", per_event_ms("chunk.commit_s", ROWS), insert_ms
        ),
        Measure(
            "relay, 64 events per commit, ms/event", per_event_ms("chunk.relay_s", ROWS), produce_ms
        ),
        Measure("allocate 10k numbers, s", values("core.allocate_s")),
        Measure(
            "batch consume 10k + bulk guard, s (floor: consume + insert_many)",
            values("core.batch_consume_s"),
            consume_plus_insert_s,
        ),
    ]


def main() -> None:
    rounds = asyncio.run(run())
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    heading = f"### {stamp} — {ROWS} rows, {REPEATS} runs — {describe_machine()}"
    table = render(heading, measures(rounds))
    print(table)
    with RESULTS.open("a", encoding="utf-8") as stream:
        stream.write("\n" + table)


if __name__ == "__main__":
    main()
