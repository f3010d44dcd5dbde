"""The DLQ operator command, run as operators run it, against a consumer on real Kafka."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any

import pytest

from skilleval_shared import topics
from skilleval_shared.envelope import CloudEvent
from skilleval_shared.events.filing import FilingFiled
from skilleval_shared.messaging import EventConsumer, make_broker
from skilleval_shared.storage.idempotency import ProcessedGuard
from skilleval_shared.topics import ensure_topics
from support.batches import as_message, numbered_events, produce_many
from support.kafka import eventually, read_until
from support.samples import USCC

pytestmark = pytest.mark.integration

POISON = b'{"specversion": "1.0", "type": "cn.skilleval.filing.filing.filed.v1"'


class Filing:
    """A registry consumer whose handler is broken for some events until it is fixed."""

    def __init__(self, settings: Any, db: Any, broken_for: set[str]) -> None:
        self.settings = settings
        self.broken_for = broken_for
        self.handled: list[str] = []
        self.broker = make_broker(settings)
        self.consumer = EventConsumer(
            settings=settings, broker=self.broker, guard=ProcessedGuard(db["processed"], "registry")
        )
        self.consumer.on(FilingFiled)(self.handle)
        self.consumer.subscribe(topics.FILING_EVENTS)

    async def handle(self, event: CloudEvent[Any]) -> None:
        if event.id in self.broken_for:
            raise ValueError("缺少机构代码")
        self.handled.append(event.id)

    async def __aenter__(self) -> Filing:
        await ensure_topics(self.settings)
        await self.broker.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.broker.stop()


async def dlq(settings: Any, *arguments: str) -> str:
    """``python -m skilleval_shared.dlq ...`` with the environment a service would have."""
    env = dict(os.environ) | {
        "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
        "NAMESPACE": settings.namespace,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "skilleval_shared.dlq",
        *arguments,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()


async def dead_letters(settings: Any) -> list[dict[str, Any]]:
    listed = await dlq(settings, "list", "--service", "registry", "--json")
    return [json.loads(line) for line in listed.splitlines()]


@pytest.fixture
def settings(make_settings):
    return make_settings("registry", consumer_max_attempts=2)


@pytest.fixture
def db(mongo, settings):
    return mongo[settings.database_name]


async def fill_dlq(settings: Any, filing: Filing, failing: list[CloudEvent[Any]]) -> None:
    """One poisoned message and ``failing`` events, all dead-lettered, then a healthy one."""
    healthy = numbered_events(1, start=900)
    await produce_many(
        settings.kafka_bootstrap_servers,
        settings.topic(topics.FILING_EVENTS),
        [
            (USCC.encode(), POISON, [("x-trace", b"t-1")]),
            *(as_message(event, USCC) for event in failing),
            as_message(healthy[0], USCC),
        ],
    )
    await eventually(lambda: healthy[0].id in filing.handled)
    await eventually(lambda: _count_dead(settings, 1 + len(failing)))


async def _count_dead(settings: Any, count: int) -> bool:
    return len(await dead_letters(settings)) >= count


async def test_list_shows_a_poisoned_and_a_failed_message(settings, db):
    failing = numbered_events(1)
    async with Filing(settings, db, {failing[0].id}) as filing:
        await fill_dlq(settings, filing, failing)
    table = await dlq(settings, "list", "--service", "registry")
    letters = await dead_letters(settings)
    topic = settings.topic(topics.FILING_EVENTS)
    poisoned, failed = sorted(letters, key=lambda letter: int(letter["original_offset"]))
    assert poisoned["error_type"] == "JSONDecodeError"
    assert (poisoned["original_topic"], poisoned["original_offset"]) == (topic, "0")
    assert poisoned["event_id"] == "-"
    assert failed["error_type"] == "ValueError"
    assert "缺少机构代码" in failed["error"]
    assert (failed["event_id"], failed["event_type"]) == (failing[0].id, FilingFiled.event_type())
    assert (failed["original_partition"], failed["original_offset"]) == ("0", "1")
    assert failed["time"]
    for letter in letters:  # the table says the same
        row = f"{letter['partition']}:{letter['offset']}\t{topic}[0]@{letter['original_offset']}"
        assert row in table
    assert failing[0].id in table


async def test_replay_of_one_is_handled_once_however_often_it_is_replayed(settings, db):
    failing = numbered_events(2)
    broken = {event.id for event in failing}
    async with Filing(settings, db, broken) as filing:
        await fill_dlq(settings, filing, failing)
        letter = next(
            letter for letter in await dead_letters(settings) if letter["event_id"] == failing[0].id
        )
        broken.clear()  # the fix is deployed
        for _ in range(2):
            await dlq(
                settings, "replay", "--service", "registry", "--offset", str(letter["offset"])
            )
        await eventually(lambda: failing[0].id in filing.handled)
        replayed = await read_until(
            settings.kafka_bootstrap_servers,
            settings.topic(topics.FILING_EVENTS),
            lambda got: len(got) >= 6,
            timeout=5,
        )
        await asyncio.sleep(1)  # time for the second replay to be handled, if it were
    assert filing.handled.count(failing[0].id) == 1
    assert failing[1].id not in filing.handled  # only the one named
    copies = [record for record in replayed if record.headers.get("x-dlq-replayed-from")]
    assert len(copies) == 2
    for copy in copies:
        assert copy.json()["id"] == failing[0].id
        assert copy.key == USCC.encode()
        assert copy.headers["x-dlq-replayed-from"] == str(letter["offset"])
        assert not {name for name in copy.headers if name.startswith("x-dlq-")} - {
            "x-dlq-replayed-from",
            "x-dlq-replayed-from-partition",
        }
        assert copy.headers["content-type"] == "application/cloudevents+json"


async def test_replay_all_puts_every_dead_letter_back_and_a_second_time_changes_nothing(
    settings, db
):
    failing = numbered_events(2)
    broken = {event.id for event in failing}
    async with Filing(settings, db, broken) as filing:
        await fill_dlq(settings, filing, failing)
        broken.clear()
        await dlq(settings, "replay", "--service", "registry", "--all")
        await eventually(lambda: all(event.id in filing.handled for event in failing))
        # The poison is poison still: back in the DLQ, now saying it was replayed.
        await eventually(lambda: _count_dead(settings, 4))
        await dlq(settings, "replay", "--service", "registry", "--all")
        # Four letters replayed: both events skipped as handled, both poison copies back again.
        await eventually(lambda: _count_dead(settings, 6))
        await asyncio.sleep(1)
    assert sorted(filing.handled.count(event.id) for event in failing) == [1, 1]
    poisons = [letter for letter in await dead_letters(settings) if letter["event_id"] == "-"]
    assert len(poisons) == 4
    records = await read_until(
        settings.kafka_bootstrap_servers,
        settings.topic(topics.dlq("registry")),
        lambda got: len(got) >= 6,
    )
    assert sum("x-dlq-replayed-from" in record.headers for record in records) == 3
    assert all(record.headers["x-trace"] == "t-1" for record in records if record.value == POISON)
    assert len(await dead_letters(settings)) == 6
