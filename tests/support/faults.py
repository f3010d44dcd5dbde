"""Faults injected into the running system (`make up` through the local launcher): a crash
(SIGKILL) of one component and its restart, a restart of Kafka, an SMTP sink that is down for a
while. Every action goes through ``infra/launcher.py`` with this shell's
``SKILLEVAL_PORT_OFFSET``, so it touches only the copy of the system this run talks to.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LAUNCHER = REPO / "infra" / "launcher.py"
SERVICES = ("filing", "assessment", "certification", "registry", "notification")
INFRA = ("kafka", "ferretdb", "mailpit")


class FaultFailed(RuntimeError):
    """The launcher could not do what the fault asked (the system is then not as the test
    assumes, so the scenario stops rather than measure the wrong thing)."""


def launcher(*args: str, timeout: float = 180.0) -> str:
    """Run one launcher command against this offset's system; its output, or FaultFailed."""
    done = subprocess.run(
        [sys.executable, str(LAUNCHER), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        env=dict(os.environ),
    )
    if done.returncode != 0:
        raise FaultFailed(f"launcher {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def launched_pid(name: str) -> int | None:
    """The pid the launcher recorded for a component, if that process is alive."""
    sys.path.insert(0, str(LAUNCHER.parent))
    import launcher as module  # type: ignore[import-not-found]

    component = next(c for c in module.INFRA + module.SERVICES if c.name == name)
    pid: int | None = component.pid()
    return pid


def not_launched() -> list[str]:
    """The components that were not started by this launcher (Compose, another copy): a fault
    test cannot crash what it did not start."""
    return [name for name in (*INFRA, *SERVICES) if launched_pid(name) is None]


@dataclass
class FaultTimes:
    """Monotonic times of one fault: when it hit, and when the component was back."""

    name: str
    hit_at: float
    restored_at: float | None = None

    @property
    def down_seconds(self) -> float | None:
        return None if self.restored_at is None else self.restored_at - self.hit_at


async def _launch(*args: str) -> str:
    return await asyncio.to_thread(launcher, *args)


async def crash_and_restart(name: str, *, down_seconds: float = 0.0) -> FaultTimes:
    """kill -9 the component, keep it down ``down_seconds``, start it again (ready)."""
    if launched_pid(name) is None:
        raise FaultFailed(f"{name} is not running under the launcher")
    await _launch("kill", name)
    times = FaultTimes(name, time.monotonic())
    await asyncio.sleep(down_seconds)
    await _launch("start", name)
    times.restored_at = time.monotonic()
    return times


async def stop_for(name: str, seconds: float) -> FaultTimes:
    """A clean stop (SIGTERM), ``seconds`` down, then started again (ready)."""
    if launched_pid(name) is None:
        raise FaultFailed(f"{name} is not running under the launcher")
    await _launch("down", name)
    times = FaultTimes(name, time.monotonic())
    await asyncio.sleep(seconds)
    await _launch("start", name)
    times.restored_at = time.monotonic()
    return times


async def restart(name: str) -> FaultTimes:
    """A clean restart (SIGTERM, then started again and ready), e.g. Kafka mid-roster."""
    return await stop_for(name, 0.0)
