"""Certification: a 10,000-row roster from its last chunk arriving to all certificates issued.

The service runs in process (its consumers, relay and stores, real Kafka and database). The
projections it validates against (institution filed, plan accepted, a passing result per row)
are loaded first, untimed. Then the roster's chunks and its header (last) are published to
assessment's topic; the clock starts when the header is sent. Both reviews are given the
moment the roster is validated; the numbering consumer then numbers and issues.

The bench learns that the roster is validated and issued from the service's own functions
(``rosters.finish`` returning the roster, ``numbering._mark_issued`` returning), not by polling
the roster: its snapshot (~59 KB of JSON while it listed a 10,000-row roster's passed rows one by
one) was decoded by FerretDB 20 times a second, competing with the issue it measured.

Besides wall time, the CPU seconds this process and the local FerretDB spent from the header to
the last certificate (``cpu.*``): on a machine shared with other work the wall time follows the
load, the CPU spent much less. ``python -m bench.certification`` also measures the raw floor in
each round (``floor.*``: ``insert_many`` of as many roster rows, produce and consume as many
row-sized messages) and the ratio of the total to the database floor.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from skilleval_certification.bootstrap import build_app
from skilleval_certification.rosters import service as rosters
from skilleval_certification.settings import CertificationSettings
from skilleval_shared.envelope import wrap
from skilleval_shared.events.certification import ReviewStage
from skilleval_shared.settings import Settings
from support import certification_samples as samples
from support.apps import serve_in_process
from support.publish import send

ROWS = 10_000


def _ferretdb_pid() -> int | None:
    """The local launcher's FerretDB (this offset's), when it runs on this machine."""
    from support.infra import PORT_OFFSET, REPO

    # Where infra/launcher.py keeps it.
    default = REPO / (f".run-{PORT_OFFSET}" if PORT_OFFSET else ".run")
    run = Path(os.environ.get("SKILLEVAL_RUN_DIR", default))
    try:
        return int((run / "pids" / "ferretdb.pid").read_text().strip())
    except (OSError, ValueError):
        return None


def _cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds of a process so far (0 where /proc cannot tell)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Stages:
    """Wall time spent inside named functions (wrapped at module level), summed per name;
    calls in flight at once overlap, so a sum can exceed the elapsed time."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._undo: list[tuple[Any, str, Any]] = []

    def wrap(
        self, module: Any, name: str, label: str, then: Callable[[Any], None] | None = None
    ) -> None:
        """Time every call of ``module.name``; ``then`` sees what each call returned."""
        original = getattr(module, name)

        async def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                result = await original(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                self.seconds[label] = self.seconds.get(label, 0.0) + elapsed
            if then is not None:
                then(result)
            return result

        setattr(module, name, timed)
        self._undo.append((module, name, original))

    def restore(self) -> None:
        for module, name, original in reversed(self._undo):
            setattr(module, name, original)
        self._undo.clear()


class Milestones:
    """When the roster was validated and when it was issued, as the service's functions return."""

    def __init__(self) -> None:
        self.validated = asyncio.Event()
        self.issued = asyncio.Event()

    def on_finish(self, roster: Any) -> None:
        if roster is not None:
            self.validated.set()

    def on_issued(self, _: Any) -> None:
        self.issued.set()


def _stages(milestones: Milestones) -> Stages:
    from skilleval_certification.numbering import service as numbering
    from skilleval_shared.storage.aggregates import AggregateStore
    from skilleval_shared.storage.chunks import ChunkStore

    stages = Stages()
    stages.wrap(rosters, "receive_chunks", "stage.chunks_s")
    stages.wrap(rosters, "finish", "stage.finish_calls_s", milestones.on_finish)
    stages.wrap(rosters, "check_roster_wide", "stage.roster_wide_s")
    stages.wrap(ChunkStore, "put", "stage.chunkstore_put_s")
    stages.wrap(ChunkStore, "read", "stage.chunkstore_read_s")
    stages.wrap(rosters, "get_each", "stage.roster_chunks_get_s")
    stages.wrap(AggregateStore, "commit", "stage.aggregate_commits_s")
    stages.wrap(numbering, "number_roster", "stage.numbering_total_s")
    stages.wrap(numbering, "_read_approved", "stage.numbering_read_rows_s")
    stages.wrap(numbering, "_allocate", "stage.numbering_allocate_s")
    stages.wrap(numbering, "_commit_holdings", "stage.numbering_holdings_s")
    stages.wrap(numbering, "_insert_records", "stage.numbering_records_s")
    stages.wrap(numbering, "_publish", "stage.numbering_issued_events_s")
    stages.wrap(numbering, "_mark_issued", "stage.numbering_mark_issued_s", milestones.on_issued)
    return stages


TIMEOUT = 300


async def _until(check: Any, timeout: float = TIMEOUT, interval: float = 0.05) -> Any:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if found := await check():
            return found
        await asyncio.sleep(interval)
    raise TimeoutError("the roster was not issued in time")


async def bench_roster_issue(settings: Settings, rows: int = ROWS) -> dict[str, float]:
    values = settings.model_dump(exclude={"service_name", "http_port"})
    certification = CertificationSettings(
        **values | {"consumer_workers": 1, "outbox_poll_seconds": 0.05}
    )
    app = build_app(certification)
    parts = app.state.certification
    plan_id, roster_id = samples.unique("plan"), samples.unique("roster")
    roster_rows = [samples.row(seq) for seq in range(1, rows + 1)]
    milestones = Milestones()
    stages = _stages(milestones)
    async with serve_in_process(app):
        await parts.rosters.institutions.record_filed(wrap(samples.filed()))
        await parts.rosters.evaluations.record_plan(wrap(samples.plan_submitted(plan_id)))
        await parts.rosters.evaluations.record_plan_decision(wrap(samples.plan_accepted(plan_id)))
        results = [wrap(samples.result(plan_id, row)) for row in roster_rows]
        await parts.rosters.evaluations.record_results(results)
        chunks, header = samples.roster_events(roster_id, plan_id, roster_rows)
        await send(certification, *chunks)
        await send(certification, header)
        started = time.perf_counter()
        ferretdb = _ferretdb_pid()
        cpu_started = time.process_time(), _cpu_seconds(ferretdb)

        await asyncio.wait_for(milestones.validated.wait(), TIMEOUT)
        validated_at = time.perf_counter()
        assert await parts.rosters.rosters.load(roster_id) is not None, "not validated"
        for stage in (ReviewStage.CITY, ReviewStage.PROVINCE):
            await rosters.review(
                parts=parts.rosters,
                roster_id=roster_id,
                stage=stage,
                approve=True,
                reviewed_by="bench",
                today=samples.ISSUE_DATE,
            )
        reviewed_at = time.perf_counter()

        await asyncio.wait_for(milestones.issued.wait(), TIMEOUT)
        issued_at = time.perf_counter()
        cpu_bench = time.process_time() - cpu_started[0]
        cpu_ferretdb = _cpu_seconds(ferretdb) - cpu_started[1]
        # (no count_documents: a scan of 10,000 certificates can outlast the timeout under load)
        done = await parts.rosters.rosters.load(roster_id)
        assert done is not None and done.state.status == "issued", "not issued"
        assert done.state.certificate_count == rows, "not every row issued"

        async def relayed() -> bool:
            return await app.state.runtime.db["outbox"].count_documents({}) == 0

        await _until(relayed)
        relayed_at = time.perf_counter()
        await app.state.runtime.mongo.drop_database(certification.database_name)
    stages.restore()
    return stages.seconds | {
        "validated_s": validated_at - started,
        "reviews_s": reviewed_at - validated_at,
        "numbered_and_issued_s": issued_at - reviewed_at,
        "total_to_issued_s": issued_at - started,
        "issued_events_relayed_s": relayed_at - started,
        "cpu.bench_to_issued_s": cpu_bench,
        "cpu.ferretdb_to_issued_s": cpu_ferretdb,
    }


async def _main(repeats: int, rows: int) -> list[dict[str, float]]:
    import uuid

    from bench import floor
    from support.infra import provide_infra
    from support.kafka import delete_namespace_topics

    rounds = []
    with provide_infra() as infra:
        for _ in range(repeats):

            def fresh() -> Settings:
                return Settings(
                    service_name="bench",
                    kafka_bootstrap_servers=infra.kafka_bootstrap_servers,
                    mongodb_url=infra.mongodb_url,
                    namespace="bench" + uuid.uuid4().hex[:8],
                    outbox_poll_seconds=0.05,
                    # a shared machine stalls FerretDB for seconds at a time: wait, do not fail
                    mongodb_timeout_ms=60_000,
                )

            settings, floor_settings = fresh(), fresh()
            try:
                result = await bench_roster_issue(settings, rows)
                # The floor in the same minute, on the same row count.
                ferretdb, cpu_before = _ferretdb_pid(), _cpu_seconds(_ferretdb_pid())
                found = await floor.insert_and_get(floor_settings, rows)
                # (FerretDB's CPU for the insert_many and the floor's 2,000 gets)
                found["ferretdb_cpu_s"] = _cpu_seconds(ferretdb) - cpu_before
                found |= await floor.produce_and_consume(floor_settings, rows)
            except Exception as error:  # a shared machine: the database may restart under us
                print(f"run failed, not counted: {error!r}", flush=True)
                continue
            finally:
                for used in (settings, floor_settings):
                    await delete_namespace_topics(used.kafka_bootstrap_servers, used.namespace)
            result |= {f"floor.{name}": value for name, value in found.items()}
            result["ratio.total_to_insert_many_floor"] = (
                result["total_to_issued_s"] / found["insert_many_s"]
            )
            print({k: round(v, 2) for k, v in result.items()}, flush=True)
            rounds.append(result)
    return rounds


if __name__ == "__main__":
    import os
    import statistics

    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    done = asyncio.run(_main(repeats, int(os.environ.get("BENCH_ROWS", str(ROWS)))))
    print("median", {k: round(statistics.median(r[k] for r in done), 2) for k in done[0]})
