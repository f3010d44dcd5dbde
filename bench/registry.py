"""The registry's public certificate lookup under load (ARCHITECTURE.md targets: 100,000
certificates stored, 32 concurrent clients, ≥ 1,500 requests/s with p99 ≤ 25 ms).

The registry runs as a real uvicorn process (``python -m skilleval_registry``) on the real
database; the certificates are written straight into its talent database in the form its
projection writes. The clients are ``bench/loadgen`` (Go, its own process, keep-alive HTTP/1.1:
a Python client on the same two cores took as much CPU as the server it measured).
``/healthz`` of the same process, in the same run, is the floor the lookup is compared with;
the CPU time the server (and FerretDB, when the local launcher runs it) spent per request is
reported too: unlike requests/s it hardly depends on what else the machine is doing.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from bench.load import http_load
from skilleval_registry.talent import model
from skilleval_shared.settings import Settings
from skilleval_shared.storage.mongo import database, make_client

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from support.registry_samples import certificate_issued, id_number  # noqa: E402

CERTIFICATES = int(os.environ.get("BENCH_CERTIFICATES", "100000"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "32"))
SECONDS = float(os.environ.get("BENCH_LOOKUP_SECONDS", "10"))
# Pins the load client (``taskset -c``), e.g. "1"; unpinned by default: on a shared 2-core
# machine pinning the client and the server to one core each halved both (measured).
CLIENT_CPUS = os.environ.get("BENCH_CLIENT_CPUS") or None
# Registry processes behind the port (uvicorn --workers), each with its own consumers.
WORKERS = int(os.environ.get("BENCH_REGISTRY_WORKERS", "1"))
WARMUP_SECONDS = 2.0
INSERT_BATCH = 5000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def holder(n: int) -> str:
    return SURNAMES[n % len(SURNAMES)] + "工" + "一二三四五六七八九十"[n % 10]


def number(n: int) -> str:
    return f"Y000037000123264{n:06d}"


async def seed(settings: Settings, count: int) -> float:
    """Seconds to write ``count`` certificates into the registry's talent database."""
    template = model.issued({}, certificate_issued(1))
    client = make_client(settings)
    certificates = database(client, settings)["certificates"]
    started = time.perf_counter()
    try:
        for start in range(0, count, INSERT_BATCH):
            batch = []
            for n in range(start, min(start + INSERT_BATCH, count)):
                name, id_no = holder(n), id_number(n)
                row = template["row"] | {"name": name, "id_number": id_no}
                batch.append(
                    template
                    | {
                        "_id": number(n),
                        "holder_name": name,
                        "identities": [f"{id_no}|{name}"],
                        "id_number": id_no,
                        "row": row | {"certificate_number": number(n)},
                        "seen": {f"certification_certificate/{number(n)}": 1000},
                    }
                )
            await certificates.insert_many(batch, ordered=False)
    finally:
        await client.close()
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_registry(settings: Settings, port: int) -> subprocess.Popen[bytes]:
    environment = os.environ | {
        "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
        "MONGODB_URL": settings.mongodb_url,
        "NAMESPACE": settings.namespace,
        "HTTP_PORT": str(port),
        "LOG_LEVEL": "WARNING",
        # Every client comes from 127.0.0.1 here: lift the per-address limits for the run.
        "LOOKUPS_PER_MINUTE": "1000000000",
        "PUBLIC_READS_PER_MINUTE": "1000000000",
    }
    command = [sys.executable, "-m", "skilleval_registry"]
    if WORKERS > 1:  # an experiment: the services run one process each (see the results)
        command = [
            *(sys.executable, "-m", "uvicorn", "--factory", "--no-access-log"),
            *("--log-level", "warning", "--port", str(port), "--workers", str(WORKERS)),
            "skilleval_registry.bootstrap:build_app",
        ]
    return subprocess.Popen(
        command,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def wait_ready(base: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(f"{base}/readyz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.3)
    raise RuntimeError("the registry did not become ready")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time a process and its direct children (uvicorn's workers) have used
    so far (Linux ``/proc``), else None."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        total = 0.0
        for process in [pid, *map(int, children)]:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return None
    return total


def database_pid() -> int | None:
    """FerretDB's process when the local launcher runs it (``.run-N/pids``), else None."""
    offset = os.environ.get("SKILLEVAL_PORT_OFFSET", "0")
    pid_file = REPO / (".run" if offset == "0" else f".run-{offset}") / "pids" / "ferretdb.pid"
    try:
        return int(pid_file.read_text())
    except (OSError, ValueError):
        return None


async def load(port: int, paths: list[str], processes: dict[str, int]) -> dict[str, float]:
    """Requests/s, latency percentiles and errors of ``CLIENTS`` connections for ``SECONDS``
    (after the warm-up), and the CPU time each of ``processes`` spent per request."""
    before = {name: cpu_seconds(pid) for name, pid in processes.items()}
    result = await http_load(
        f"http://127.0.0.1:{port}",
        paths,
        clients=CLIENTS,
        seconds=SECONDS,
        warmup=WARMUP_SECONDS,
        cpus=CLIENT_CPUS,
    )
    # The warm-up's requests are counted at the measured rate: CPU is read around both.
    requests = result["rps"] * (SECONDS + WARMUP_SECONDS)
    for name, pid in processes.items():
        start, end = before[name], cpu_seconds(pid)
        if start is not None and end is not None and requests:
            result[f"{name}_cpu_us"] = (end - start) * 1e6 / requests
    return result


async def find_one_floor(settings: Settings, seconds: float, clients: int) -> dict[str, float]:
    """The database alone: ``clients`` concurrent gets by ``_id`` of random certificates, with
    the public view's fields, as the lookup asks for them; gets/s and latency percentiles."""
    client = make_client(settings)
    certificates = database(client, settings)["certificates"]
    rng = random.Random(11)
    latencies: list[float] = []

    async def getter(until: float) -> None:
        while (started := time.perf_counter()) < until:
            number_ = number(rng.randrange(CERTIFICATES))
            await certificates.find_one({"_id": number_}, model.PUBLIC_FIELDS)
            latencies.append((time.perf_counter() - started) * 1000)

    try:
        started = time.perf_counter()
        await asyncio.gather(*(getter(started + seconds) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    finally:
        await client.close()
    latencies.sort()

    def at(share: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * share))]

    return {"rps": len(latencies) / elapsed, "p50_ms": at(0.5), "p99_ms": at(0.99)}


async def bench_lookup(settings: Settings, repeats: int = 1) -> list[dict[str, float]]:
    """Lookup by certificate number + name with ``CERTIFICATES`` stored (seeded once) and
    ``CLIENTS`` concurrent clients, next to ``/healthz`` of the same process and the database's
    own ``find_one`` in the same run; ``repeats`` rounds of the three loads."""
    settings = settings.model_copy(update={"service_name": "registry"})
    seeded = await seed(settings, CERTIFICATES)
    port = free_port()
    process = start_registry(settings, port)
    rounds: list[dict[str, float]] = []
    try:
        await wait_ready(f"http://127.0.0.1:{port}")
        rng = random.Random(7)
        lookups = [
            f"/api/v1/public/certificates/{number(n)}?name={quote(holder(n))}"
            for n in (rng.randrange(CERTIFICATES) for _ in range(20_000))
        ]
        processes = {"server": process.pid}
        if (database_process := database_pid()) is not None:
            processes["database"] = database_process
        for _ in range(repeats):
            lookup = await load(port, lookups, processes)
            trivial = await load(port, ["/healthz"], processes)
            floor = await find_one_floor(settings, SECONDS, CLIENTS)
            results: dict[str, Any] = {"certificates": float(CERTIFICATES), "seed_s": seeded}
            results |= {f"lookup_{key}": value for key, value in lookup.items()}
            results |= {f"healthz_{key}": value for key, value in trivial.items()}
            results["find_one_rps"] = floor["rps"]
            results["find_one_p50_ms"] = floor["p50_ms"]
            results["find_one_p99_ms"] = floor["p99_ms"]
            results["lookup_vs_healthz_rps"] = lookup["rps"] / trivial["rps"]
            results["lookup_vs_find_one_rps"] = lookup["rps"] / floor["rps"]
            rounds.append(results)
    finally:
        process.terminate()
        process.wait(timeout=30)
        client = make_client(settings)
        await client.drop_database(database(client, settings).name)
        await client.close()
    return rounds


async def _main() -> None:
    """``uv run python -m bench.registry``: one run against the infrastructure the tests use."""
    import uuid

    from support.infra import provide_infra
    from support.kafka import delete_namespace_topics

    with provide_infra() as infra:
        settings = Settings(
            service_name="registry",
            kafka_bootstrap_servers=infra.kafka_bootstrap_servers,
            mongodb_url=infra.mongodb_url,
            namespace="bench" + uuid.uuid4().hex[:8],
        )
        try:
            (results,) = await bench_lookup(settings)
        finally:
            await delete_namespace_topics(settings.kafka_bootstrap_servers, settings.namespace)
    for key, value in results.items():
        print(f"{key:28} {value:12.2f}")


if __name__ == "__main__":
    asyncio.run(_main())
