"""`make bench`: measure the storage and messaging primitives on the real infrastructure.

Starts the local infrastructure if nothing answers (like the tests), runs each benchmark in its
own namespace, prints a table and appends it to bench/RESULTS.md.
"""

from __future__ import annotations

import asyncio
import os
import platform
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from skilleval_registry.bootstrap import build_app
from skilleval_registry.settings import RegistrySettings
from skilleval_shared import topics
from skilleval_shared.envelope import wrap
from skilleval_shared.events.filing import FilingFiled
from skilleval_shared.messaging import EventConsumer, make_broker
from skilleval_shared.settings import Settings
from skilleval_shared.storage.aggregates import AggregateStore
from skilleval_shared.storage.idempotency import ProcessedGuard
from skilleval_shared.storage.mongo import database, make_client
from skilleval_shared.storage.outbox import OutboxRelay
from skilleval_shared.topics import ensure_topics
from support.infra import provide_infra
from support.kafka import delete_namespace_topics
from support.samples import filing_filed

EVENTS = int(os.environ.get("BENCH_EVENTS", "2000"))
RESULTS = Path(__file__).with_name("RESULTS.md")


def settings_for(infra: object, service: str, **overrides: Any) -> Settings:
    namespace = "bench" + uuid.uuid4().hex[:8]
    env = infra.env()  # type: ignore[attr-defined]
    return Settings(
        service_name=service,
        kafka_bootstrap_servers=env["KAFKA_BOOTSTRAP_SERVERS"],
        mongodb_url=env["MONGODB_URL"],
        namespace=namespace,
        outbox_poll_seconds=0.05,
        **overrides,
    )


async def bench_commit_and_relay(settings: Settings, per_commit: int = 1) -> dict[str, float]:
    """Commits of ``per_commit`` events each (one per aggregate, or a roster chunk's worth)."""
    await ensure_topics(settings)
    client = make_client(settings)
    db = database(client, settings)
    broker = make_broker(settings)
    await broker.start()
    store = AggregateStore(db, "filing")
    events = [wrap(filing_filed(serial=f"{n:06d}")) for n in range(EVENTS)]
    batches = [events[start : start + per_commit] for start in range(0, EVENTS, per_commit)]
    started = time.perf_counter()
    semaphore = asyncio.Semaphore(32)

    async def commit(n: int) -> None:
        async with semaphore:
            await store.commit(f"bench-{n}", 0, {"n": n}, batches[n])

    await asyncio.gather(*(commit(n) for n in range(len(batches))))
    committed = time.perf_counter() - started
    relay = OutboxRelay(db, broker, settings)
    started = time.perf_counter()
    settled = 0
    while settled < len(batches):
        settled += await relay.relay_once()
    relay_seconds = time.perf_counter() - started
    await broker.stop()
    await client.drop_database(settings.database_name)
    await client.close()
    if per_commit == 1:
        return {"commits_per_s": EVENTS / committed, "relayed_per_s": EVENTS / relay_seconds}
    label = f"({per_commit} events per commit)"
    return {
        f"events_committed_per_s {label}": EVENTS / committed,
        f"relayed_per_s {label}": EVENTS / relay_seconds,
    }


async def bench_consume(settings: Settings) -> dict[str, float]:
    await ensure_topics(settings)
    client = make_client(settings)
    db = database(client, settings)
    broker = make_broker(settings)
    handled = 0
    done = asyncio.Event()
    consumer = EventConsumer(
        settings=settings, broker=broker, guard=ProcessedGuard(db["processed"], "bench")
    )

    async def handle(event: object) -> None:
        nonlocal handled
        handled += 1
        if handled == EVENTS:
            done.set()

    consumer.on(FilingFiled)(handle)  # type: ignore[arg-type]
    consumer.subscribe(topics.FILING_EVENTS)
    await broker.start()
    topic = settings.topic(topics.FILING_EVENTS)
    for n in range(EVENTS):
        event = wrap(filing_filed(serial=f"{n:06d}"))
        await broker.publish(
            event.to_json_bytes(), topic=topic, key=str(n).encode(), no_confirm=True
        )
    started = time.perf_counter()
    await asyncio.wait_for(done.wait(), timeout=600)
    seconds = time.perf_counter() - started
    await broker.stop()
    await client.drop_database(settings.database_name)
    await client.close()
    workers = settings.consumer_workers
    return {f"consumed_per_s ({workers} worker{'s' if workers > 1 else ''})": EVENTS / seconds}


async def bench_service_start(settings: Settings) -> dict[str, float]:
    """From nothing to a registry process consuming: three topics, CONSUMER_WORKERS each."""
    registry = RegistrySettings(**settings.model_dump(exclude={"service_name", "http_port"}))
    app = build_app(registry)
    started = time.perf_counter()
    async with app.router.lifespan_context(app):
        seconds = time.perf_counter() - started
    client = make_client(registry)
    await client.drop_database(registry.database_name)
    await client.close()
    return {f"registry_start_s ({registry.consumer_workers} workers)": seconds}


async def run() -> dict[str, float]:
    with provide_infra() as infra:
        runs: list[tuple[Callable[[Settings], Awaitable[dict[str, float]]], Settings]] = [
            (bench_commit_and_relay, settings_for(infra, "bench")),
            (partial(bench_commit_and_relay, per_commit=64), settings_for(infra, "bench")),
            # One worker, as before CONSUMER_WORKERS existed, then the default.
            (bench_consume, settings_for(infra, "bench", consumer_workers=1)),
            (bench_consume, settings_for(infra, "bench")),
            (bench_service_start, settings_for(infra, "bench")),
        ]
        results: dict[str, float] = {}
        for bench, settings in runs:
            try:
                results |= await bench(settings)
            finally:
                await delete_namespace_topics(settings.kafka_bootstrap_servers, settings.namespace)
    return results


def main() -> None:
    results = asyncio.run(run())
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    rows = "\n".join(
        f"| {name} | {value:,.0f} |" if value >= 100 else f"| {name} | {value:.2f} |"
        for name, value in results.items()
    )
    table = (
        f"\n### {stamp} — {EVENTS} events — {machine}\n\n| measure | value |\n|---|---|\n{rows}\n"
    )
    print(table)
    with RESULTS.open("a", encoding="utf-8") as stream:
        stream.write(table)


if __name__ == "__main__":
    main()
