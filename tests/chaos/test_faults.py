"""Fault tests against the running system (`make chaos`; marker ``chaos``, not in `make test`).

One enterprise is filed once (tests/support/story.py); then each scenario prepares a roster of
``CHAOS_ROWS`` candidates (default 10,000), submits it, has both reviews given, and while it
runs through certification, the registry, the province simulator and notification, hits the
system once: kill -9 of one service (then started again), a restart of Kafka, or the SMTP sink
stopped for ``CHAOS_SMTP_DOWN_SECONDS``. The first scenario hits nothing: the undisturbed run
the others are compared with. After each: every roster row has exactly one certificate in
certification and in the registry, numbers unique, by the rule and one block per level, every
holder one email and the enterprise one of each roster email (by distinct Message-ID), no new
dead letter; and how long the watched stage stood still after the fault. Loopback only; every
fault goes through infra/launcher.py with this shell's SKILLEVAL_PORT_OFFSET. See docs/chaos.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from skilleval_shared import topics
from support import faults
from support.invariants import (
    agreement_problems,
    certificate_problems,
    count_mail,
    mail_problems,
    new_letters,
    number_problems,
    repeated_subject_problems,
)
from support.observe import (
    Offsets,
    certificate_records,
    database,
    dead_letters,
    delete_mails,
    mail_count,
    mails,
)
from support.progress import Poller, resumed_after, value_at
from support.story import CHINA, Endpoints, Enterprise, Story, Submitted, worker_email

ROWS = int(os.environ.get("CHAOS_ROWS", "10000"))
SCENARIO_TIMEOUT = float(os.environ.get("CHAOS_SCENARIO_TIMEOUT", "900"))
SMTP_DOWN_SECONDS = float(os.environ.get("CHAOS_SMTP_DOWN_SECONDS", "30"))
OFFSET = int(os.environ.get("SKILLEVAL_PORT_OFFSET", "0"))
KAFKA = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", f"127.0.0.1:{9092 + OFFSET}")
RUN_DIR = Path(__file__).resolve().parents[2] / (f".run-{OFFSET}" if OFFSET else ".run")
REPORT = Path(os.environ.get("CHAOS_REPORT", RUN_DIR / "chaos-report.md"))
HOLDER_SUBJECT = "证书已发放"
PROGRESS_SHOWN = ("certification_out", "registry_in", "assessment_in", "mailed")
ROSTER_MAILS = 4  # to the enterprise: validated, city-approved, province-approved, issued

pytestmark = [pytest.mark.chaos, pytest.mark.timeout(SCENARIO_TIMEOUT + 600)]

Counts = Mapping[str, int]


@dataclass(frozen=True)
class Scenario:
    name: str
    fault: Callable[[], Awaitable[faults.FaultTimes]] | None
    # When to hit: a condition on the counters, given their values just before the submit.
    when: Callable[[Counts, Counts], bool] = lambda base, now: True
    after: float = 0.0  # seconds from the condition to the fault
    watched: str = "mailed"  # the counter whose standstill is the stall

    def __str__(self) -> str:
        return self.name


def moved(counter: str, by: int = 1) -> Callable[[Counts, Counts], bool]:
    return lambda base, now: now[counter] - base[counter] >= by


def share(counter: str, fraction: float) -> Callable[[Counts, Counts], bool]:
    return moved(counter, max(1, int(ROWS * fraction)))


NUMBERING_STARTED = moved("numbering_orders")
# Numbering and issuing 10,000 rows takes ~7 s on a quiet machine: 2 s in is inside it.
INSIDE_NUMBERING = 2.0 * ROWS / 10_000
SCENARIOS = [
    Scenario("undisturbed", None),
    Scenario(
        "kill -9 filing",
        lambda: faults.crash_and_restart("filing"),
        share("certification_out", 0.3),
        watched="certification_out",
    ),
    Scenario(
        # Assessment follows the roster through certification's events (validated, approved,
        # issued) and reads past every CertificateIssued: killed while they pour in. (Killed
        # while relaying the roster's chunks, it also drops the submit's HTTP answer: that is
        # the client's failure to handle, not a pipeline fault.)
        "kill -9 assessment",
        lambda: faults.crash_and_restart("assessment"),
        share("certification_out", 0.3),
        watched="assessment_in",
    ),
    Scenario(
        "kill -9 certification",
        lambda: faults.crash_and_restart("certification"),
        NUMBERING_STARTED,
        after=INSIDE_NUMBERING,
        watched="certification_out",
    ),
    Scenario(
        "kill -9 registry",
        lambda: faults.crash_and_restart("registry"),
        share("registry_in", 0.3),
        watched="registry_in",
    ),
    Scenario(
        "kill -9 notification",
        lambda: faults.crash_and_restart("notification"),
        share("mailed", 0.3),
        watched="mailed",
    ),
    Scenario(
        "restart Kafka",
        lambda: faults.restart("kafka"),
        NUMBERING_STARTED,
        after=INSIDE_NUMBERING,
        watched="certification_out",
    ),
    Scenario(
        f"SMTP sink down {SMTP_DOWN_SECONDS:.0f} s",
        lambda: faults.stop_for("mailpit", SMTP_DOWN_SECONDS),
        share("mailed", 0.2),
        watched="mailed",
    ),
]


@dataclass
class Outcome:
    scenario: str
    rows: int
    problems: list[str] = field(default_factory=list)
    fault_at: str = ""  # where the pipeline was when the fault hit
    down_s: float | None = None  # from the fault until the component answered again
    stall_s: float | None = None  # from the fault until the watched stage moved again
    total_s: float | None = None  # from the submit until everything was done
    copies: int = 0  # emails delivered again under the same Message-ID
    stages: dict[str, float] = field(default_factory=dict)

    def row(self, baseline: float | None) -> str:
        def secs(value: float | None) -> str:
            return "—" if value is None else f"{value:.1f}"

        extra = (
            f"{self.total_s - baseline:+.1f}"
            if self.total_s is not None and baseline is not None
            else "—"
        )
        outcome = "pass" if not self.problems else "FAIL: " + "; ".join(self.problems)
        cells = [
            self.scenario,
            outcome,
            self.fault_at or "—",
            secs(self.down_s),
            secs(self.stall_s),
            secs(self.total_s),
            extra if self.scenario != "undisturbed" else "—",
            str(self.copies),
        ]
        return "| " + " | ".join(cells) + " |"


HEADER = (
    "| scenario | outcome | fault hit at | down s | stall s | total s | vs undisturbed s "
    "| same-ID copies |\n|---|---|---|---|---|---|---|---|"
)


def report(outcomes: list[Outcome]) -> str:
    baseline = next((o.total_s for o in outcomes if o.scenario == "undisturbed"), None)
    lines = [
        f"`make chaos`, {outcomes[0].rows if outcomes else ROWS} rows per roster, "
        f"{datetime.now(CHINA):%Y-%m-%d %H:%M} (Asia/Shanghai), load average "
        f"{os.getloadavg()[0]:.1f}",
        "",
        HEADER,
        *(outcome.row(baseline) for outcome in outcomes),
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def outcomes() -> Iterator[list[Outcome]]:
    collected: list[Outcome] = []
    yield collected
    if collected:
        text = report(collected)
        REPORT.parent.mkdir(parents=True, exist_ok=True)
        REPORT.write_text(text)
        print(f"\n[chaos] report ({REPORT}):\n{text}")


@pytest.fixture(scope="module")
async def story() -> AsyncIterator[Story]:
    not_ours = faults.not_launched()
    if not_ours:
        pytest.skip(
            "故障测试需要由本机 infra/launcher.py 启动的整个系统；未由其启动："
            f"{', '.join(not_ours)}（先运行 make up，且不用 Docker Compose）"
        )
    async with ChaosStory(Endpoints.from_environment()) as connected:
        await connected.wait_ready()
        yield connected


@pytest.fixture(scope="module")
async def enterprise(story: Story) -> Enterprise:
    return await story.file_enterprise()


def readers(offsets: Offsets, mailpit: str, tag: str) -> dict[str, Callable[[], Awaitable[int]]]:
    query = f'to:"worker-{tag}-"'
    return {
        "assessment_out": lambda: offsets.published(topics.ASSESSMENT_EVENTS),
        "numbering_orders": lambda: offsets.published(topics.CERTIFICATION_NUMBERING),
        "certification_out": lambda: offsets.published(topics.CERTIFICATION_EVENTS),
        "registry_in": lambda: offsets.consumed("registry", topics.CERTIFICATION_EVENTS),
        "assessment_in": lambda: offsets.consumed("assessment", topics.CERTIFICATION_EVENTS),
        "sync_out": lambda: offsets.published(topics.REGISTRY_PROVINCE_SYNC),
        "acks_out": lambda: offsets.published(topics.PROVINCE_ACKS),
        "acks_in": lambda: offsets.consumed("registry", topics.PROVINCE_ACKS),
        "mailed": lambda: mail_count(mailpit, query),
    }


class ChaosStory(Story):
    """The shared story, without the registry's sync summary: that endpoint counts every sync
    record in the database (a full scan on FerretDB, ~6 s at 5,000 records on the loaded
    machine, past the 10 s database timeout soon after), so the fault tests tell that the
    province answered from Kafka offsets instead (``done``)."""

    async def sync_counts(self, staff: dict[str, str]) -> dict[str, int]:
        return {}


def done(base: Counts, n: int) -> dict[str, Callable[[Counts], bool]]:
    """When each stage after the issue is over, by the counters: the registry and assessment
    have handled every certification event, the registry every answer of the province, and
    ``n`` holders' emails are in the sink."""

    def grown(now: Counts, counter: str) -> int:
        return now[counter] - base[counter]

    def followed(now: Counts, reader: str) -> bool:
        out = now["certification_out"]
        return grown(now, "certification_out") >= n and now[reader] >= out

    return {
        "registry": lambda now: followed(now, "registry_in"),
        "assessment": lambda now: followed(now, "assessment_in"),
        "province_acked": lambda now: (
            grown(now, "sync_out") >= n
            and grown(now, "acks_out") >= n
            and now["acks_in"] >= now["acks_out"]
        ),
        "emails": lambda now: now["mailed"] >= n,
    }


async def complete(
    story: Story, submitted: Submitted, poller: Poller, base: Counts, submit_at: float
) -> dict[str, float]:
    """Seconds from the submit until the roster is issued (certification's answer, asked again
    after one lost to a fault) and each later stage is over (``done``)."""
    prepared = submitted.prepared
    stages = dict(submitted.stages)
    while True:
        with contextlib.suppress(httpx.HTTPError):
            found = await story.roster(prepared, submitted.roster_id)
            if found.get("status") == "issued":
                break
        await asyncio.sleep(0.5)
    stages["issued"] = time.monotonic() - submit_at
    assert found["certificate_count"] == prepared.n, str(found)[:2000]
    for stage, over in done(base, prepared.n).items():
        sample = await poller.until(lambda s, over=over: over(s.counts), SCENARIO_TIMEOUT)
        stages[stage] = sample.at - submit_at
    return stages


async def settle(poller: Poller, timeout: float = 30.0) -> Counts:
    """Counters that stood still for a second: what the preparation caused is out (its events
    relayed), so that the roster's own progress starts from here."""
    deadline = time.monotonic() + timeout
    last = (await poller.sample()).counts
    while time.monotonic() < deadline:
        await asyncio.sleep(1.0)
        now = (await poller.sample()).counts
        if now == last:
            break
        last = now
    return last


async def hit(
    scenario: Scenario, poller: Poller, base: Counts, outcome: Outcome
) -> faults.FaultTimes | None:
    """Wait for the scenario's moment, then inject its fault; where the roster was, and when."""
    if scenario.fault is None:
        return None
    await poller.until(lambda s: scenario.when(base, s.counts), SCENARIO_TIMEOUT)
    await asyncio.sleep(scenario.after)
    now = poller.samples[-1].counts
    outcome.fault_at = ", ".join(f"{name} {now[name] - base[name]}" for name in PROGRESS_SHOWN)
    times = await scenario.fault()
    outcome.down_s = times.down_seconds
    return times


async def check(
    story: Story, enterprise: Enterprise, submitted: Submitted, marks: dict[str, dict[int, int]]
) -> tuple[list[str], int]:
    """Every invariant after the run; the problems, and how many same-ID copies were sent."""
    prepared = submitted.prepared
    n, roster_id = prepared.n, submitted.roster_id
    problems: list[str] = []
    async with database(story.endpoints.mongodb) as client:
        ours = await certificate_records(client, "certification", roster_id, n + 100)
        theirs = await certificate_records(client, "registry", roster_id, n + 100)
    rows = range(1, n + 1)
    problems += certificate_problems("certification", rows, ours)
    problems += certificate_problems("registry", rows, theirs)
    problems += number_problems(
        ours,
        institution_code=enterprise.names.institution_code,
        institution_serial=enterprise.serial,
        year=datetime.now(CHINA).year,
    )
    problems += agreement_problems(ours, theirs)

    holders = await mails(story.endpoints.mailpit, f'to:"worker-{prepared.tag}-"')
    recipients = [worker_email(prepared.tag, i) for i in range(1, n + 1)]
    problems += mail_problems(holders, recipients, subject_contains=HOLDER_SUBJECT)
    copies = count_mail(holders, subject_contains=HOLDER_SUBJECT).copies

    address = enterprise.names.email
    roster_query = f'subject:"{roster_id}"'
    deadline = time.monotonic() + 120
    while True:  # the roster's own emails may come after the holders'
        about_roster = await mails(story.endpoints.mailpit, roster_query)
        to_enterprise = {m.subject for m in about_roster if address in m.to}
        if len(to_enterprise) >= ROSTER_MAILS or time.monotonic() > deadline:
            break
        await asyncio.sleep(2)
    if len(to_enterprise) != ROSTER_MAILS:
        problems.append(f"the enterprise got {sorted(to_enterprise)} about the roster")
    for recipient in sorted({to for m in about_roster for to in m.to}):
        problems += repeated_subject_problems(about_roster, recipient)
    copies += count_mail(about_roster).copies

    letters = await dead_letters(KAFKA)
    for service, found in letters.items():
        if fresh := new_letters(marks.get(service, {}), found):
            kinds = sorted({f"{letter.event_type} ({letter.error_type})" for letter in fresh})
            problems.append(f"{len(fresh)} new dead letters on dlq.{service}: {kinds}")
    return problems, copies


@pytest.mark.parametrize("scenario", SCENARIOS, ids=str)
async def test_fault(
    scenario: Scenario, story: Story, enterprise: Enterprise, outcomes: list[Outcome]
) -> None:
    outcome = Outcome(scenario.name, ROWS)
    outcomes.append(outcome)
    await asyncio.to_thread(faults.launcher, "up")  # whatever an earlier scenario left down
    await story.wait_ready()
    prepared = await story.prepare(enterprise, ROWS)
    offsets = Offsets(KAFKA)
    marks = await offsets.dlq_marks()
    poller = Poller(readers(offsets, story.endpoints.mailpit, prepared.tag), interval=0.5)
    base = await settle(poller)
    poller.start()
    try:
        async with asyncio.timeout(SCENARIO_TIMEOUT):
            fault = asyncio.create_task(hit(scenario, poller, base, outcome))
            submit_at = time.monotonic()
            submitted = await story.submit_and_review(prepared)
            stages = await complete(story, submitted, poller, base, submit_at)
            times = await fault
    except BaseException as error:  # the report says which scenario broke, and how
        outcome.problems.append(f"did not run to the end: {error!r}"[:300])
        raise
    finally:
        await poller.stop()
        await offsets.close()
        with contextlib.suppress(Exception):
            await asyncio.to_thread(faults.launcher, "up")
    outcome.stages = {name: round(value, 1) for name, value in stages.items()}
    outcome.total_s = max(
        stages[name] for name in ("issued", "registry", "assessment", "province_acked", "emails")
    )
    if times is not None:
        outcome.stall_s = resumed_after(poller.samples, scenario.watched, times.hit_at)
        final = poller.samples[-1].counts[scenario.watched]
        if value_at(poller.samples, scenario.watched, times.hit_at) >= final:
            outcome.fault_at += f" ({scenario.watched} was already done)"
        elif outcome.stall_s is None:
            outcome.problems.append(f"{scenario.watched} never moved after the fault")
    problems, outcome.copies = await check(story, enterprise, submitted, marks)
    outcome.problems += problems
    print(f"\n[chaos] {scenario.name}: {outcome.row(None)} stages {outcome.stages}")
    if not outcome.problems:
        await delete_mails(story.endpoints.mailpit, f'to:"worker-{prepared.tag}-"')
    assert not outcome.problems, outcome.problems
