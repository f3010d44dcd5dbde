"""`make bench`: every target of ARCHITECTURE.md on the running system, next to the raw floor
measured in the same run, each ``BENCH_REPEATS`` times (median and spread).

- (a) the 10,000-row roster on the running system (`make up`), submit → issued, in the registry,
  acknowledged by the province, mailed (``bench/pipeline.py``, driven by ``support.story``);
  floor: the same number of roster rows produced and consumed on Kafka plus ``insert_many`` of
  them (``bench/floor.py``), in the same round;
- (b) the public lookup with 100,000 certificates and 32 clients (``bench/registry.py``: a
  registry process of the same code beside the running system, on a database namespace of its
  own seeded directly, per-address limits lifted); floor: ``/healthz`` of that process and the
  database's own ``find_one``;
- (c) 10,000 certificate emails through notification's delivery path to the running system's
  Mailpit (``bench/notification.py``); floor: aiosmtplib alone sending as many messages;
- the core's paths (commit, relay, allocate, batch consume) against the same floor.

Results: a table in docs/benchmarks.md (the generated section between the markers is replaced)
and appended to bench/RESULTS.md. ``BENCH_REPEATS`` (3), ``BENCH_ROWS`` (10,000),
``BENCH_CERTIFICATES`` (100,000), ``BENCH_LOOKUP_SECONDS`` (10), ``BENCH_EMAILS`` (10,000);
``BENCH_ONLY`` (comma-separated: core, certification, pipeline, lookup, emails) runs a part.

- certification alone (issue #9): a 10,000-row roster from its last chunk arriving to every
  certificate issued, the service in process (``bench/certification.py``); floor:
  ``insert_many`` of as many rows, in the same round.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from bench import certification, core, floor, notification, pipeline, registry
from bench.machine import describe_machine
from bench.report import Measure, render
from skilleval_shared.settings import Settings
from support.infra import Infra, provide_infra
from support.kafka import delete_namespace_topics
from support.story import Story

ROWS = int(os.environ.get("BENCH_ROWS", "10000"))
SINGLE = int(os.environ.get("BENCH_SINGLE_COMMITS", "2000"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
PARTS = tuple(os.environ.get("BENCH_ONLY", "core,certification,pipeline,lookup,emails").split(","))
REPO = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("RESULTS.md")
DOCS = REPO / "docs" / "benchmarks.md"
BEGIN, END = "<!-- make bench: begin -->", "<!-- make bench: end -->"


def settings_for(infra: Infra, **overrides: Any) -> Settings:
    return Settings(
        service_name="bench",
        kafka_bootstrap_servers=infra.kafka_bootstrap_servers,
        mongodb_url=infra.mongodb_url,
        namespace="bench" + uuid.uuid4().hex[:8],
        outbox_poll_seconds=0.05,
        **overrides,
    )


async def core_round(infra: Infra) -> dict[str, float]:
    """The floor and the core's paths once, each in its own namespace (topics deleted after)."""
    results: dict[str, float] = {}
    steps = [
        ("floor", lambda s: floor.produce_and_consume(s, ROWS)),
        ("floor", lambda s: floor.insert_and_get(s, ROWS)),
    ]
    if "core" in PARTS:
        steps += [
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


def log(message: str) -> None:
    print(message, flush=True)


FAILED: list[str] = []


@contextlib.contextmanager
def reported(part: str) -> Iterator[None]:
    """A run that fails (a database timeout on a loaded machine) is logged, counted in the
    report, and left out of the figures; the other parts go on."""
    try:
        yield
    except Exception as error:
        log(f"[bench] {part} failed, not counted: {error!r}"[:2000])
        FAILED.append(part)


async def run() -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """Rounds of (floor + core, pipeline, emails), then the lookup's rounds."""
    rounds: list[dict[str, float]] = []
    lookups: list[dict[str, float]] = []
    with provide_infra() as infra:
        async with Story.connect() as story:
            if "pipeline" in PARTS:
                await story.wait_ready()
                enterprise = await story.reuse_or_file_enterprise(pipeline.SAVED, log=log)
            for index in range(REPEATS):
                results: dict[str, float] = {"load.start": os.getloadavg()[0]}
                log(f"[bench] round {index + 1}/{REPEATS}: floor" + ", core" * ("core" in PARTS))
                results |= await core_round(infra)
                if "certification" in PARTS:
                    log(f"[bench] round {index + 1}/{REPEATS}: certification, {ROWS} rows")
                    with reported("certification"):
                        settings = settings_for(infra, mongodb_timeout_ms=60_000)
                        try:
                            issued = await certification.bench_roster_issue(settings, ROWS)
                        finally:
                            await delete_namespace_topics(
                                settings.kafka_bootstrap_servers, settings.namespace
                            )
                        results |= {f"certification.{key}": v for key, v in issued.items()}
                if "pipeline" in PARTS:
                    log(f"[bench] round {index + 1}/{REPEATS}: pipeline, {pipeline.ROWS} rows")
                    with reported("pipeline"):
                        staged = await pipeline.one_run(story, enterprise, pipeline.ROWS)
                        log(f"[bench] pipeline: {pipeline.line(staged)}")
                        results |= {f"pipeline.{key}": value for key, value in staged.items()}
                if "emails" in PARTS:
                    log(f"[bench] round {index + 1}/{REPEATS}: emails")
                    with reported("emails"):
                        settings = settings_for(infra)
                        mailed = await notification.bench_emails(
                            settings, infra.smtp_host, infra.smtp_port
                        )
                        results |= {f"emails.{key}": value for key, value in mailed.items()}
                results["load.end"] = os.getloadavg()[0]
                rounds.append(results)
        if "lookup" in PARTS:
            log(f"[bench] lookup: {registry.CERTIFICATES} certificates, {REPEATS} rounds")
            settings = settings_for(infra)
            try:
                with reported("lookup"):
                    lookups = await registry.bench_lookup(settings, REPEATS)
            finally:
                await delete_namespace_topics(settings.kafka_bootstrap_servers, settings.namespace)
    return rounds, lookups


def measures(rounds: list[dict[str, float]], lookups: list[dict[str, float]]) -> list[Measure]:
    def values(key: str, source: list[dict[str, float]] = rounds) -> list[float]:
        return [r[key] for r in source if key in r]

    def per_event_ms(key: str, count: int) -> list[float]:
        return [v * 1000 / count for v in values(key)]

    found: list[Measure] = []
    # (a) The pipeline, against moving the same rows through Kafka and the database once.
    floor_rows_s = [
        p + c + i
        for p, c, i in zip(
            values("floor.produce_s"),
            values("floor.consume_s"),
            values("floor.insert_many_s"),
            strict=True,
        )
    ]
    if values("pipeline.complete"):
        rows = f"{pipeline.ROWS:,}"
        found.append(
            Measure(
                f"(a) {rows}-row roster: submit → issued, registry, province acked, mailed, s",
                values("pipeline.complete"),
                floor_rows_s,
                goal="≤ 20 s (moonshot 10 s)",
            )
        )
        for key, label in (
            ("validated", "validated (certification's checks)"),
            ("reviewed", "city and province approvals given (HTTP)"),
            ("issued", "roster issued (status)"),
            ("issued_events", "every CertificateIssued on Kafka"),
            ("registry_sent", "every certificate in the registry and sent (SyncRecorded)"),
            ("province_acked", "every certificate acknowledged by the province"),
            ("emails", "every holder's email in Mailpit"),
        ):
            found.append(Measure(f"(a) — {label}, s from submit", values(f"pipeline.{key}")))
        found.append(
            Measure(
                "floor (a): produce + consume + insert_many of as many rows, s",
                floor_rows_s,
            )
        )
    if values("certification.total_to_issued_s"):
        found.append(
            Measure(
                f"certification alone: {ROWS:,}-row roster, last chunk → all issued, s",
                values("certification.total_to_issued_s"),
                values("floor.insert_many_s"),
                goal="< 8 s (issue #9)",
            )
        )
    # (b) The lookup, against a trivial endpoint of the same process.
    if lookups:
        certificates = f"{registry.CERTIFICATES:,}"
        found += [
            Measure(
                f"(b) lookup, {certificates} stored, {registry.CLIENTS} clients, req/s",
                values("lookup_rps", lookups),
                values("healthz_rps", lookups),
                goal="≥ 1,500 req/s",
            ),
            Measure(
                "(b) lookup p99, ms",
                values("lookup_p99_ms", lookups),
                values("healthz_p99_ms", lookups),
                goal="≤ 25 ms",
            ),
            Measure("(b) lookup p50, ms", values("lookup_p50_ms", lookups)),
            Measure(
                "floor (b): /healthz of the same process, req/s", values("healthz_rps", lookups)
            ),
            Measure("floor (b): /healthz p99, ms", values("healthz_p99_ms", lookups)),
            Measure(
                "floor (b): find_one by _id, 32 at once, req/s", values("find_one_rps", lookups)
            ),
            Measure(
                "floor (b): find_one by _id, 32 at once, p99 ms", values("find_one_p99_ms", lookups)
            ),
            Measure(
                "floor (b): find_one by _id, 32 at once, p50 ms", values("find_one_p50_ms", lookups)
            ),
        ]
    # (c) The emails, against aiosmtplib alone.
    if values("emails.emails_seconds"):
        found += [
            Measure(
                f"(c) {notification.EMAILS:,} emails to the SMTP sink, s",
                values("emails.emails_seconds"),
                values("emails.floor_seconds"),
                goal="≤ 30 s",
            ),
            Measure(
                "floor (c): aiosmtplib alone, as many messages, s", values("emails.floor_seconds")
            ),
        ]
    # The core's paths, as before.
    insert_ms = per_event_ms("floor.insert_many_s", ROWS)
    produce_ms = per_event_ms("floor.produce_s", ROWS)
    found += [
        Measure("floor: produce 10k rows, ms/msg", produce_ms),
        Measure("floor: consume 10k rows, ms/msg", per_event_ms("floor.consume_s", ROWS)),
        Measure("floor: insert_many 10k rows, ms/doc", insert_ms),
        Measure("floor: find_one by _id, ms", values("floor.find_one_ms")),
    ]
    if values("single.commit_s"):
        consume_plus_insert_s = [
            c + i
            for c, i in zip(values("floor.consume_s"), values("floor.insert_many_s"), strict=True)
        ]
        found += [
            Measure(
                "commit, 1 event each, ms/event",
                per_event_ms("single.commit_s", SINGLE),
                insert_ms,
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
                "relay, 64 events per commit, ms/event",
                per_event_ms("chunk.relay_s", ROWS),
                produce_ms,
            ),
            Measure("allocate 10k numbers, s", values("core.allocate_s")),
            Measure(
                "batch consume 10k + bulk guard, s (floor: consume + insert_many)",
                values("core.batch_consume_s"),
                consume_plus_insert_s,
            ),
        ]
    found.append(Measure("load average (1 min) at the start of a round", values("load.start")))
    return found


def write_docs(table: str) -> None:
    """Replace the generated section of docs/benchmarks.md (added after the title if absent)."""
    text = DOCS.read_text(encoding="utf-8")
    section = f"{BEGIN}\n{table}\n{END}"
    if BEGIN in text and END in text:
        before, rest = text.split(BEGIN, 1)
        after = rest.split(END, 1)[1]
        text = before + section + after
    else:
        title, _, rest = text.partition("\n")
        text = f"{title}\n\n## Latest `make bench`\n\n{section}\n{rest}"
    DOCS.write_text(text, encoding="utf-8")


def main() -> None:
    started = time.perf_counter()
    rounds, lookups = asyncio.run(run())
    minutes = (time.perf_counter() - started) / 60
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    heading = (
        f"### {stamp} — {REPEATS} runs, {minutes:.0f} min — {describe_machine()}\n\n"
        f"Ran: {', '.join(PARTS)}; the roster {pipeline.ROWS:,} rows, the lookup "
        f"{registry.CERTIFICATES:,} certificates, {notification.EMAILS:,} emails."
        + (f" Failed runs, not counted: {', '.join(FAILED)}." if FAILED else "")
    )
    table = render(heading, measures(rounds, lookups))
    print(table)
    with RESULTS.open("a", encoding="utf-8") as stream:
        stream.write("\n" + table)
    write_docs(table)


if __name__ == "__main__":
    main()
