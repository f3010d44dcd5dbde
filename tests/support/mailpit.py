"""Read what an SMTP sink received through Mailpit's HTTP API, and run a Mailpit of one's own.

The shared Mailpit serves every test: find your mail by an address unique to your test, never
delete all messages. A private Mailpit (``PrivateMailpit``) can be stopped and started again on
the same ports, to play an SMTP server that is down for a while.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from support.services import free_port

LAUNCHER_DIR = Path(__file__).resolve().parents[2] / "infra"


async def search(api: str, query: str, limit: int = 1000) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=api, timeout=10) as client:
        response = await client.get("/api/v1/search", params={"query": query, "limit": limit})
        response.raise_for_status()
        found: list[dict[str, Any]] = response.json()["messages"]
        return found


async def messages_to(
    api: str, address: str, *, at_least: int = 1, timeout: float = 15.0
) -> list[dict[str, Any]]:
    """The messages to ``address``, once there are ``at_least`` (or whatever came by timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        found = [
            message
            for message in await search(api, f'to:"{address}"')
            if any(to["Address"].casefold() == address.casefold() for to in message["To"])
        ]
        if len(found) >= at_least or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.2)


async def message(api: str, identifier: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=api, timeout=10) as client:
        response = await client.get(f"/api/v1/message/{identifier}")
        response.raise_for_status()
        found: dict[str, Any] = response.json()
        return found


class PrivateMailpit:
    """A Mailpit process on ports of its own, for a test that needs to stop the SMTP server."""

    def __init__(self, directory: Path) -> None:
        sys.path.insert(0, str(LAUNCHER_DIR))
        import launcher

        self.binary = launcher.mailpit_binary()
        self.directory = directory
        self.smtp_port = free_port()
        self.http_port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def start(self, *, chaos: bool = False) -> None:
        """Start (again) on the same ports; ``chaos`` lets ``set_chaos`` make SMTP fail."""
        log = (self.directory / "mailpit.log").open("ab")
        self.process = subprocess.Popen(
            [
                str(self.binary),
                "--smtp",
                f"127.0.0.1:{self.smtp_port}",
                "--listen",
                f"127.0.0.1:{self.http_port}",
                "--database",
                str(self.directory / "mailpit.db"),
                "--smtp-auth-accept-any",
                "--smtp-auth-allow-insecure",
                *(["--enable-chaos"] if chaos else []),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.api}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("private Mailpit did not start")

    async def set_chaos(self, *, recipient_code: int, probability: int) -> None:
        """Answer RCPT TO with ``recipient_code`` in ``probability`` percent of cases."""
        trigger = {"ErrorCode": recipient_code, "Probability": probability}
        async with httpx.AsyncClient(base_url=self.api, timeout=10) as client:
            response = await client.put("/api/v1/chaos", json={"Recipient": trigger})
            response.raise_for_status()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None
