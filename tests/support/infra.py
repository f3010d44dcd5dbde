"""Where the tests find real Kafka, a MongoDB-wire database and SMTP.

In order: endpoints given by the environment; else testcontainers when a Docker engine answers;
else the local launcher (``infra/launcher.py``), which is stopped again if this run started it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LAUNCHER = REPO / "infra" / "launcher.py"
# The launcher shifts every port by this much (see infra/launcher.py).
PORT_OFFSET = int(os.environ.get("SKILLEVAL_PORT_OFFSET", "0"))
KAFKA_PORT, MONGO_PORT = 9092 + PORT_OFFSET, 27017 + PORT_OFFSET
SMTP_PORT, MAILPIT_HTTP_PORT = 1025 + PORT_OFFSET, 8025 + PORT_OFFSET


@dataclass(frozen=True)
class Infra:
    kafka_bootstrap_servers: str
    mongodb_url: str
    smtp_host: str
    smtp_port: int
    mailpit_api: str  # Mailpit's HTTP API, to read what the SMTP sink received

    def env(self) -> dict[str, str]:
        return {
            "KAFKA_BOOTSTRAP_SERVERS": self.kafka_bootstrap_servers,
            "MONGODB_URL": self.mongodb_url,
            "SMTP_HOST": self.smtp_host,
            "SMTP_PORT": str(self.smtp_port),
        }


def _from_environment() -> Infra | None:
    names = ("KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URL", "SMTP_HOST")
    if not all(os.environ.get(name) for name in names):
        return None
    return Infra(
        os.environ["KAFKA_BOOTSTRAP_SERVERS"],
        os.environ["MONGODB_URL"],
        os.environ["SMTP_HOST"],
        int(os.environ.get("SMTP_PORT", "1025")),
        os.environ.get("MAILPIT_API", f"http://{os.environ['SMTP_HOST']}:8025"),
    )


def _docker_answers() -> bool:
    try:
        result = subprocess.run(["docker", "info"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


@contextmanager
def _from_testcontainers() -> Iterator[Infra]:
    from testcontainers.core.container import DockerContainer
    from testcontainers.kafka import KafkaContainer
    from testcontainers.mongodb import MongoDbContainer

    with (
        KafkaContainer("apache/kafka:4.1.1").with_kraft() as kafka,
        MongoDbContainer("mongo:8") as mongo,
        DockerContainer("axllent/mailpit:v1.33.1").with_exposed_ports(1025, 8025) as mailpit,
    ):
        host = mailpit.get_container_host_ip()
        yield Infra(
            kafka.get_bootstrap_server(),
            mongo.get_connection_url(),
            host,
            int(mailpit.get_exposed_port(1025)),
            f"http://{host}:{mailpit.get_exposed_port(8025)}",
        )


def _launcher(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(LAUNCHER), *args], capture_output=True, text=True, check=False
    )


def _missing_infra() -> list[str]:
    """The launcher's names of the parts that do not answer now."""
    sys.path.insert(0, str(LAUNCHER.parent))
    import probes

    checks = {
        "kafka": lambda: probes.kafka_metadata("127.0.0.1", KAFKA_PORT),
        "mailpit": lambda: probes.smtp_banner("127.0.0.1", SMTP_PORT),
        "ferretdb": lambda: probes.mongodb_ping("127.0.0.1", MONGO_PORT),
    }
    missing = []
    for name, check in checks.items():
        try:
            if check() is False:
                missing.append(name)
        except OSError:
            missing.append(name)
    return missing


@contextmanager
def _from_launcher() -> Iterator[Infra]:
    # Stop afterwards only what this run started: other runs (or `make up`) may share the rest.
    started_here = _missing_infra()
    result = _launcher("up", "--infra-only")
    if result.returncode != 0:
        raise RuntimeError(f"local launcher failed:\n{result.stdout}\n{result.stderr}")
    try:
        yield Infra(
            f"127.0.0.1:{KAFKA_PORT}",
            f"mongodb://127.0.0.1:{MONGO_PORT}",
            "127.0.0.1",
            SMTP_PORT,
            f"http://127.0.0.1:{MAILPIT_HTTP_PORT}",
        )
    finally:
        if started_here:
            _launcher("down", *started_here)


@contextmanager
def provide_infra() -> Iterator[Infra]:
    if (given := _from_environment()) is not None:
        yield given
    elif _docker_answers():
        with _from_testcontainers() as infra:
            yield infra
    else:
        with _from_launcher() as infra:
            yield infra
