"""Run the real services as processes, the way `make up` does, isolated by namespace and port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningService:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flushing — the crash case."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def start_service(
    name: str, env: dict[str, str], log_dir: Path, port: int | None = None, timeout: float = 60.0
) -> RunningService:
    port = port or free_port()
    log = log_dir / f"{name}-{port}.log"
    process_env = dict(os.environ) | env | {"HTTP_PORT": str(port)}
    with log.open("ab") as stream:
        process = subprocess.Popen(
            [sys.executable, "-m", f"skilleval_{name}"],
            env=process_env,
            stdout=stream,
            stderr=subprocess.STDOUT,
            cwd=REPO,
        )
    service = RunningService(name, port, process, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(f"{service.url}/readyz", timeout=2).status_code == 200:
                return service
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    service.stop()
    raise RuntimeError(f"{name} not ready in {timeout}s:\n{log.read_text()[-4000:]}")


@contextmanager
def running(
    names: list[str], env: dict[str, str], log_dir: Path
) -> Iterator[dict[str, RunningService]]:
    started: dict[str, RunningService] = {}
    try:
        for name in names:
            started[name] = start_service(name, env, log_dir)
        yield started
    finally:
        for service in started.values():
            service.stop()
