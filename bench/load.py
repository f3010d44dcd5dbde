"""The benchmarks' HTTP load client: ``bench/loadgen`` (Go, standard library only), built from
the repository's source into a cache directory on first use and run as its own process.

A Python client on the same two cores took as much CPU per request as the server it measured;
the compiled client takes a fraction of that, so the numbers describe the server.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

SOURCE = Path(__file__).with_name("loadgen")
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "skilleval" / "bench"


def loadgen_binary() -> Path:
    """The load generator built from ``bench/loadgen``; rebuilt when its source changes."""
    digest = hashlib.sha256()
    for file in sorted(SOURCE.glob("*")):
        digest.update(file.name.encode() + b"\0" + file.read_bytes())
    binary = CACHE / f"loadgen-{digest.hexdigest()[:16]}"
    if binary.exists():
        return binary
    go = shutil.which("go") or "/usr/local/go/bin/go"
    if not Path(go).exists():
        raise RuntimeError("the load generator needs Go ≥ 1.22 (https://go.dev/dl/) to be built")
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = CACHE / f".{binary.name}.{os.getpid()}"
    # Standard library only: no module download; GOTOOLCHAIN=local keeps Go from fetching one.
    environment = os.environ | {"GOTOOLCHAIN": "local", "CGO_ENABLED": "0"}
    subprocess.run(
        [go, "build", "-trimpath", "-o", str(partial), "."],
        cwd=SOURCE,
        env=environment,
        check=True,
    )
    partial.replace(binary)
    return binary


async def http_load(
    base: str,
    paths: list[str],
    *,
    clients: int,
    seconds: float,
    warmup: float = 2.0,
    cpus: str | None = None,
) -> dict[str, float]:
    """Requests/s, latency percentiles (ms) and errors (transport failures and non-200
    answers) of ``clients`` keep-alive connections requesting random ``paths`` for ``seconds``
    after ``warmup``; ``cpus`` pins the client (``taskset -c``)."""
    binary = loadgen_binary()
    with tempfile.NamedTemporaryFile("w", suffix=".paths", encoding="utf-8") as listing:
        listing.write("\n".join(paths) + "\n")
        listing.flush()
        command = [
            str(binary),
            f"-base={base}",
            f"-paths={listing.name}",
            f"-clients={clients}",
            f"-seconds={seconds}",
            f"-warmup={warmup}",
        ]
        if cpus is not None:
            command = ["taskset", "-c", cpus, *command]
        process = await asyncio.create_subprocess_exec(*command, stdout=subprocess.PIPE)
        output, _ = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"the load generator failed ({process.returncode})")
    result = json.loads(output)
    return {
        key: float(result[key]) for key in ("rps", "p50_ms", "p90_ms", "p99_ms", "max_ms", "errors")
    }
