"""Local launcher: real Kafka, FerretDB and Mailpit, plus the five services, without Docker.

    python3 infra/launcher.py up [--infra-only]   start what is not running yet, wait until ready
    python3 infra/launcher.py down [NAME...]      stop every process this launcher started
    python3 infra/launcher.py start NAME...       start these components (stopped by down/kill)
    python3 infra/launcher.py restart NAME...     stop (SIGTERM) and start these, wait until ready
    python3 infra/launcher.py kill NAME...        SIGKILL these at once (fault tests: a crash)
    python3 infra/launcher.py status              what runs, and whether it answers
    python3 infra/launcher.py logs [NAME] [-n N]  the last lines of each log

Downloads and builds are cached under ``$SKILLEVAL_CACHE`` (default ``~/.cache/skilleval``), so a
second ``up`` and a fresh clone on the same machine start in seconds. Data, logs and pid files
live under ``$SKILLEVAL_RUN_DIR`` (default ``<repo>/.run``), which git ignores.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import probes

REPO = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("SKILLEVAL_CACHE", Path.home() / ".cache" / "skilleval"))

# Kafka 4.1.1 is built against log4j2 2.24.3; without the slf4j binding at that version the
# broker logs nothing at all.
KAFKA_VERSION = "4.1.1"
LOG4J_VERSION = "2.24.3"
FERRETDB_VERSION = "v1.24.2"
MAILPIT_VERSION = "v1.33.1"

# SKILLEVAL_PORT_OFFSET shifts every port, so that a second copy of the system (another
# checkout, a fault test that restarts Kafka) runs beside the first without touching it.
PORT_OFFSET = int(os.environ.get("SKILLEVAL_PORT_OFFSET", "0"))
KAFKA_PORT, KAFKA_CONTROLLER_PORT = 9092 + PORT_OFFSET, 9093 + PORT_OFFSET
MONGO_PORT = 27017 + PORT_OFFSET
SMTP_PORT, MAILPIT_HTTP_PORT = 1025 + PORT_OFFSET, 8025 + PORT_OFFSET
FERRETDB_DEBUG_PORT = 8088 + PORT_OFFSET
# Each copy keeps its own data, logs and pid files.
RUN = Path(
    os.environ.get("SKILLEVAL_RUN_DIR", REPO / (f".run-{PORT_OFFSET}" if PORT_OFFSET else ".run"))
)
SERVICE_PORTS = {
    "filing": 8001 + PORT_OFFSET,
    "assessment": 8002 + PORT_OFFSET,
    "certification": 8003 + PORT_OFFSET,
    "registry": 8004 + PORT_OFFSET,
    "notification": 8005 + PORT_OFFSET,
}


def log(message: str) -> None:
    print(f"[launcher] {message}", flush=True)


def run(command: list[str], **kwargs: object) -> None:
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"[launcher] failed: {' '.join(command)}")


# ---------------------------------------------------------------- artifacts (cached builds)


def kafka_libs() -> Path:
    home = CACHE / f"kafka-{KAFKA_VERSION}"
    libs = home / "libs"
    if (home / ".complete").exists():
        return libs
    log(f"fetching Apache Kafka {KAFKA_VERSION} from Maven Central (once)")
    home.mkdir(parents=True, exist_ok=True)
    (home / "pom.xml").write_text(
        f"""<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>skilleval.local</groupId><artifactId>kafka-dist</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId>
      <version>{KAFKA_VERSION}</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId>
      <version>{LOG4J_VERSION}</version></dependency>
  </dependencies>
</project>
"""
    )
    shutil.rmtree(libs, ignore_errors=True)
    run(
        ["mvn", "-q", "-B", "dependency:copy-dependencies", f"-DoutputDirectory={libs}"],
        cwd=home,
    )
    (home / ".complete").touch()
    return libs


def go_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("GOFLAGS", "-mod=mod")
    env.setdefault("GOTOOLCHAIN", "local")
    return env


# FerretDB 1.24's SQLite backend creates the _id index on `_ferretdb_sjson->"_id"` but queries,
# updates and deletes by `_ferretdb_sjson->'$._id'`: SQLite does not see the two expressions as
# the same, so every lookup by _id scanned the whole table (70 ms per update at 10,000
# documents). The patch makes the queries use the index's expression; results are unchanged.
SQLITE_ID_COLUMN = (
    "IDColumn = DefaultColumn + \"->'$._id'\"",
    "IDColumn = DefaultColumn + \"->'_id'\"",
)
FERRETDB_BUILD = f"{FERRETDB_VERSION}-sqlite-id-index"


def patch_ferretdb(tree: Path) -> None:
    metadata = tree / "internal" / "backends" / "sqlite" / "metadata" / "metadata.go"
    original, patched = SQLITE_ID_COLUMN
    text = metadata.read_text()
    if original not in text:
        raise SystemExit(f"[launcher] FerretDB source changed; cannot patch {metadata}")
    metadata.write_text(text.replace(original, patched))


def ferretdb_binary() -> Path:
    binary = CACHE / f"ferretdb-{FERRETDB_BUILD}" / "ferretdb"
    if binary.exists():
        return binary
    log(f"building FerretDB {FERRETDB_VERSION} through the Go module proxy (once, ~2 min)")
    module = f"github.com/FerretDB/FerretDB@{FERRETDB_VERSION}"
    with tempfile.TemporaryDirectory() as scratch:
        result = subprocess.run(
            ["go", "mod", "download", "-json", module],
            capture_output=True,
            text=True,
            env=go_env(),
            cwd=scratch,
        )
        if result.returncode != 0:
            raise SystemExit(f"[launcher] go mod download failed:\n{result.stdout}{result.stderr}")
        source = Path(json.loads(result.stdout)["Dir"])
        tree = Path(scratch) / "ferretdb"
        shutil.copytree(source, tree)
        for path in tree.rglob("*"):
            path.chmod(path.stat().st_mode | 0o200)
        # The module does not ship the generated version files; without version.txt the
        # binary panics at start-up.
        version_dir = tree / "build" / "version"
        (version_dir / "version.txt").write_text(FERRETDB_VERSION + "\n")
        (version_dir / "commit.txt").write_text("unknown\n")
        (version_dir / "branch.txt").write_text("unknown\n")
        (version_dir / "package.txt").write_text("skilleval-launcher\n")
        patch_ferretdb(tree)
        binary.parent.mkdir(parents=True, exist_ok=True)
        run(["go", "build", "-o", str(binary), "./cmd/ferretdb"], cwd=tree, env=go_env())
    return binary


def mailpit_binary() -> Path:
    home = CACHE / f"mailpit-{MAILPIT_VERSION}"
    binary = home / "mailpit"
    if binary.exists():
        return binary
    log(f"building Mailpit {MAILPIT_VERSION} through the Go module proxy (once, ~1 min)")
    env = go_env() | {"GOBIN": str(home)}
    with tempfile.TemporaryDirectory() as scratch:
        run(
            ["go", "install", f"github.com/axllent/mailpit@{MAILPIT_VERSION}"], env=env, cwd=scratch
        )
    return binary


# ---------------------------------------------------------------- components


@dataclass
class Component:
    name: str
    command: Callable[[], list[str]]
    ready: Callable[[], bool]
    prepare: Callable[[], None] = lambda: None
    env: dict[str, str] = field(default_factory=dict)
    start_timeout: float = 120.0

    @property
    def pid_file(self) -> Path:
        return RUN / "pids" / f"{self.name}.pid"

    @property
    def log_file(self) -> Path:
        return RUN / "logs" / f"{self.name}.log"

    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text())
        except (OSError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return pid
        return pid

    def is_ready(self) -> bool:
        try:
            return self.ready()
        except OSError:
            return False


def _kafka_ready() -> bool:
    return bool(probes.kafka_metadata("127.0.0.1", KAFKA_PORT) >= 1)


def _mongo_ready() -> bool:
    return bool(probes.mongodb_ping("127.0.0.1", MONGO_PORT))


def _smtp_ready() -> bool:
    probes.smtp_banner("127.0.0.1", SMTP_PORT)
    return True


def _kafka_prepare() -> None:
    home = RUN / "kafka"
    data = RUN / "data" / "kafka"
    home.mkdir(parents=True, exist_ok=True)
    (home / "server.properties").write_text(
        "\n".join(
            [
                "process.roles=broker,controller",
                "node.id=1",
                f"controller.quorum.voters=1@127.0.0.1:{KAFKA_CONTROLLER_PORT}",
                f"listeners=PLAINTEXT://127.0.0.1:{KAFKA_PORT},"
                f"CONTROLLER://127.0.0.1:{KAFKA_CONTROLLER_PORT}",
                f"advertised.listeners=PLAINTEXT://127.0.0.1:{KAFKA_PORT}",
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                f"log.dirs={data}",
                "num.partitions=6",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=6",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "log.retention.hours=168",
                # Tests create and delete many short-lived topics: reclaim their files quickly.
                "file.delete.delay.ms=1000",
                "",
            ]
        )
    )
    (home / "log4j2.properties").write_text(
        "\n".join(
            [
                "status = warn",
                "appender.out.type = Console",
                "appender.out.name = OUT",
                "appender.out.layout.type = PatternLayout",
                "appender.out.layout.pattern = [%d] %p %m (%c)%n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.out.ref = OUT",
                "logger.kafka.name = kafka",
                "logger.kafka.level = INFO",
                "logger.state.name = state.change.logger",
                "logger.state.level = WARN",
                "",
            ]
        )
    )
    if not (data / "meta.properties").exists():
        data.mkdir(parents=True, exist_ok=True)
        format_kafka_storage(new_cluster_id(), home / "server.properties")


def new_cluster_id() -> str:
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()


def format_kafka_storage(cluster_id: str, config: Path) -> None:
    run(
        [
            "java",
            "-cp",
            f"{kafka_libs()}/*",
            "kafka.tools.StorageTool",
            "format",
            # One token: a random id that starts with "-" would otherwise read as an option.
            f"--cluster-id={cluster_id}",
            "-c",
            str(config),
            "--ignore-formatted",
        ]
    )


def _kafka_command() -> list[str]:
    home = RUN / "kafka"
    return [
        "java",
        "-Xms256m",
        "-Xmx768m",
        "-XX:+UseG1GC",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={home / 'log4j2.properties'}",
        "-cp",
        f"{kafka_libs()}/*",
        "kafka.Kafka",
        str(home / "server.properties"),
    ]


def _ferretdb_command() -> list[str]:
    data = RUN / "data" / "ferretdb"
    data.mkdir(parents=True, exist_ok=True)
    return [
        str(ferretdb_binary()),
        "--handler=sqlite",
        # WAL with synchronous=NORMAL survives a crash of any process; only a power cut can lose
        # the last commits. FULL would fsync every insert.
        f"--sqlite-url=file:{data}/?_pragma=synchronous(normal)",
        f"--state-dir={data}",
        f"--listen-addr=127.0.0.1:{MONGO_PORT}",
        f"--debug-addr=127.0.0.1:{FERRETDB_DEBUG_PORT}",
        "--telemetry=disable",
        "--log-level=WARN",
    ]


def _mailpit_command() -> list[str]:
    data = RUN / "data"
    data.mkdir(parents=True, exist_ok=True)
    return [
        str(mailpit_binary()),
        "--smtp",
        f"127.0.0.1:{SMTP_PORT}",
        "--listen",
        f"127.0.0.1:{MAILPIT_HTTP_PORT}",
        "--database",
        str(data / "mailpit.db"),
        "--max",
        "0",
        "--smtp-auth-accept-any",
        "--smtp-auth-allow-insecure",
    ]


def _http_ready(port: int) -> Callable[[], bool]:
    def check() -> bool:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=3) as response:
            return bool(response.status == 200)

    return check


def _service_command(name: str) -> Callable[[], list[str]]:
    def command() -> list[str]:
        python = REPO / ".venv" / "bin" / "python"
        if not python.exists():
            raise SystemExit("[launcher] no .venv: run `uv sync` first (make up does it)")
        return [str(python), "-m", f"skilleval_{name}"]

    return command


def _ensure_dev_keys() -> dict[str, str]:
    """A development Ed25519 key pair shared by the services (filing signs, all verify)."""
    keys = RUN / "keys"
    private, public = keys / "jwt-private.pem", keys / "jwt-public.pem"
    if not private.exists():
        keys.mkdir(parents=True, exist_ok=True)
        run([str(REPO / ".venv" / "bin" / "python"), "-m", "skilleval_shared.keygen", str(keys)])
    return {"JWT_PRIVATE_KEY_FILE": str(private), "JWT_PUBLIC_KEY_FILE": str(public)}


INFRA = [
    Component("kafka", _kafka_command, _kafka_ready, prepare=_kafka_prepare),
    Component("ferretdb", _ferretdb_command, _mongo_ready),
    Component("mailpit", _mailpit_command, _smtp_ready),
]
# No provincial system is reachable from here: the registry answers for it (see
# services/registry/docs/province-sync.md); production leaves PROVINCE_SIMULATOR unset.
SERVICE_ENV = {
    "registry": {"PROVINCE_SIMULATOR": "true"},
    "certification": {
        "CERTIFICATE_VERIFICATION_URL": (
            f"http://127.0.0.1:{SERVICE_PORTS['registry']}/public/certificates/verify"
        )
    },
    "notification": {
        "CERTIFICATE_LOOKUP_URL": (
            f"http://127.0.0.1:{SERVICE_PORTS['registry']}/api/v1/public/certificates/{{number}}"
        )
    },
}
# Where every service finds the infrastructure this launcher runs.
INFRA_ENV = {
    "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{KAFKA_PORT}",
    "MONGODB_URL": f"mongodb://127.0.0.1:{MONGO_PORT}",
    "SMTP_HOST": "127.0.0.1",
    "SMTP_PORT": str(SMTP_PORT),
}
SERVICES = [
    Component(
        name,
        _service_command(name),
        _http_ready(port),
        env=INFRA_ENV | {"HTTP_PORT": str(port)} | SERVICE_ENV.get(name, {}),
    )
    for name, port in SERVICE_PORTS.items()
]


def _raise_open_file_limit() -> None:
    """Kafka keeps files open per partition; lift the soft limit as far as we are allowed."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    for wanted in (1_048_576, hard):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted), max(hard, wanted)))
            return
        except (ValueError, OSError):
            continue


def start(component: Component, extra_env: dict[str, str] | None = None) -> None:
    if component.pid():
        log(f"{component.name}: already running (pid {component.pid()})")
        return
    if component.is_ready():
        log(f"{component.name}: already served by another process; using it")
        return
    component.prepare()
    command = component.command()
    component.log_file.parent.mkdir(parents=True, exist_ok=True)
    component.pid_file.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ) | component.env | (extra_env or {})
    with component.log_file.open("ab") as log_stream:
        process = subprocess.Popen(
            command,
            stdout=log_stream,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
            cwd=REPO,
            preexec_fn=_raise_open_file_limit,
        )
    component.pid_file.write_text(str(process.pid))
    log(f"{component.name}: started (pid {process.pid}), log {component.log_file}")


def wait_ready(component: Component) -> None:
    deadline = time.monotonic() + component.start_timeout
    while time.monotonic() < deadline:
        if component.is_ready():
            log(f"{component.name}: ready")
            return
        if component.pid_file.exists() and not component.pid():
            break
        time.sleep(0.5)
    tail = (
        component.log_file.read_text(errors="replace")[-3000:]
        if component.log_file.exists()
        else ""
    )
    raise SystemExit(f"[launcher] {component.name} did not become ready; log tail:\n{tail}")


def stop(component: Component) -> None:
    pid = component.pid()
    if pid is None:
        component.pid_file.unlink(missing_ok=True)
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and component.pid():
        time.sleep(0.2)
    if component.pid():
        log(f"{component.name}: did not stop in 30 s, killing")
        os.killpg(pid, signal.SIGKILL)
    component.pid_file.unlink(missing_ok=True)
    log(f"{component.name}: stopped")


def kill(component: Component) -> None:
    """A crash: SIGKILL to the process group, no chance to finish anything; pid file kept out."""
    pid = component.pid()
    if pid is None:
        log(f"{component.name}: not running")
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and component.pid():
        time.sleep(0.05)
    component.pid_file.unlink(missing_ok=True)
    log(f"{component.name}: killed (SIGKILL, pid {pid})")


def named(names: list[str]) -> list[Component]:
    known = {component.name: component for component in INFRA + SERVICES}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise SystemExit(f"[launcher] unknown component(s): {', '.join(unknown)}")
    return [known[name] for name in names]


def start_named(names: list[str]) -> None:
    """Start the components named (infrastructure first) and wait until each is ready."""
    components = named(names)
    services = [component for component in components if component in SERVICES]
    keys = _ensure_dev_keys() if services else {}
    for component in components:
        start(component, keys if component in SERVICES else None)
    for component in components:
        wait_ready(component)


def restart(names: list[str]) -> None:
    for component in named(names):
        stop(component)
    start_named(names)


def up(infra_only: bool) -> None:
    # Build everything first so that the slow, once-only steps never race a start-up timeout.
    kafka_libs()
    ferretdb_binary()
    mailpit_binary()
    for component in INFRA:
        start(component)
    for component in INFRA:
        wait_ready(component)
    if infra_only:
        return
    keys = _ensure_dev_keys()
    for component in SERVICES:
        start(component, keys)
    for component in SERVICES:
        wait_ready(component)
    log("all services healthy: " + ", ".join(f"{n}:{p}" for n, p in SERVICE_PORTS.items()))
    log(f"Mailpit UI: http://127.0.0.1:{MAILPIT_HTTP_PORT}")


def down(names: list[str] | None = None) -> None:
    """Stop what this launcher started: everything, or only the components named."""
    for component in reversed(INFRA + SERVICES):
        if not names or component.name in names:
            stop(component)


def status() -> int:
    healthy = True
    for component in INFRA + SERVICES:
        pid = component.pid()
        ready = component.is_ready()
        healthy &= ready
        owner = f"pid {pid}" if pid else "not started here"
        print(f"{component.name:14} {'ready' if ready else 'DOWN':6} {owner}")
    return 0 if healthy else 1


def logs(name: str | None, lines: int) -> None:
    for component in INFRA + SERVICES:
        if name and component.name != name:
            continue
        if component.log_file.exists():
            print(f"==> {component.log_file} <==")
            print("\n".join(component.log_file.read_text(errors="replace").splitlines()[-lines:]))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    up_parser = sub.add_parser("up")
    up_parser.add_argument("--infra-only", action="store_true")
    down_parser = sub.add_parser("down")
    down_parser.add_argument("names", nargs="*", help="only these components (default: all)")
    for command, help_text in (
        ("start", "start these components and wait until ready"),
        ("restart", "stop and start these components, wait until ready"),
        ("kill", "SIGKILL these components (a crash)"),
    ):
        sub.add_parser(command).add_argument("names", nargs="+", help=help_text)
    sub.add_parser("status")
    logs_parser = sub.add_parser("logs")
    logs_parser.add_argument("name", nargs="?")
    logs_parser.add_argument("-n", type=int, default=60)
    args = parser.parse_args()
    if args.command == "up":
        up(args.infra_only)
    elif args.command == "down":
        down(args.names)
    elif args.command == "start":
        start_named(args.names)
    elif args.command == "restart":
        restart(args.names)
    elif args.command == "kill":
        for component in named(args.names):
            kill(component)
    elif args.command == "status":
        return status()
    else:
        logs(args.name, args.n)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
