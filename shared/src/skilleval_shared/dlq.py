"""Dead letters: what a dead-lettered message carries, and the operator command that reads them.

A dead letter is the message as it came (body, key, headers) on ``dlq.<service>``, plus
``x-dlq-*`` headers saying why and where from. Replaying one publishes its body to its original
topic with its key and headers, minus ``x-dlq-*``, plus ``x-dlq-replayed-from``: the consumer's
idempotency guard skips an event that was handled meanwhile, so a replay is always safe.

    python -m skilleval_shared.dlq list --service filing [--namespace X] [--json]
    python -m skilleval_shared.dlq replay --service filing (--offset N [--partition P] | --all)

Kafka and the namespace come from the environment (``KAFKA_BOOTSTRAP_SERVERS``, ``NAMESPACE``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from skilleval_shared import topics
from skilleval_shared.settings import Settings

PREFIX = "x-dlq-"
REPLAYED_FROM = "x-dlq-replayed-from"
REPLAYED_FROM_PARTITION = "x-dlq-replayed-from-partition"


def dead_letter_headers(
    record: Any, error: BaseException, *, attempts: int, consumer: str
) -> dict[str, str]:
    """The record's own headers (any bytes, even null, kept readable) and why it is here."""
    headers = {
        key: (value or b"").decode("utf-8", "replace") for key, value in record.headers or ()
    }
    return headers | {
        "x-dlq-error": repr(error)[:2000],
        "x-dlq-error-type": type(error).__name__,
        "x-dlq-attempts": str(attempts),
        "x-dlq-consumer": consumer,
        "x-dlq-original-topic": record.topic,
        "x-dlq-original-partition": str(record.partition),
        "x-dlq-original-offset": str(record.offset),
    }


@dataclass(frozen=True)
class DeadLetter:
    partition: int
    offset: int
    time: str
    original_topic: str
    original_partition: str
    original_offset: str
    error_type: str
    error: str
    event_id: str
    event_type: str
    key: bytes | None
    value: bytes
    headers: list[tuple[str, bytes]]

    @classmethod
    def from_record(cls, record: Any) -> DeadLetter:
        headers = [(key, value or b"") for key, value in record.headers or ()]
        text = {key: value.decode("utf-8", "replace") for key, value in headers}
        event_id, event_type = _identify(record.value or b"")
        return cls(
            partition=record.partition,
            offset=record.offset,
            time=datetime.fromtimestamp(record.timestamp / 1000, UTC).isoformat(timespec="seconds"),
            original_topic=text.get("x-dlq-original-topic", ""),
            original_partition=text.get("x-dlq-original-partition", ""),
            original_offset=text.get("x-dlq-original-offset", ""),
            error_type=text.get("x-dlq-error-type", ""),
            error=text.get("x-dlq-error", ""),
            event_id=event_id,
            event_type=event_type,
            key=record.key,
            value=record.value or b"",
            headers=headers,
        )

    def summary(self) -> dict[str, Any]:
        shown = asdict(self)
        for raw in ("key", "value", "headers"):
            del shown[raw]
        return shown

    def replay_headers(self) -> list[tuple[str, bytes]]:
        kept = [(key, value) for key, value in self.headers if not key.startswith(PREFIX)]
        return [
            *kept,
            (REPLAYED_FROM, str(self.offset).encode()),
            (REPLAYED_FROM_PARTITION, str(self.partition).encode()),
        ]


def _identify(value: bytes) -> tuple[str, str]:
    """The event id and type, if the body is JSON enough to say (poison often is not)."""
    try:
        document = json.loads(value)
    except (ValueError, RecursionError):
        return "-", "-"
    if not isinstance(document, dict):
        return "-", "-"
    return str(document.get("id", "-")), str(document.get("type", "-"))


async def read_dead_letters(settings: Settings, service: str) -> list[DeadLetter]:
    """Every message on the service's DLQ, read without a consumer group (nothing committed)."""
    topic = settings.topic(topics.dlq(service))
    assigned = [TopicPartition(topic, number) for number in await _partitions(settings, topic)]
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers, enable_auto_commit=False
    )
    consumer.assign(assigned)
    await consumer.start()
    try:
        await consumer.seek_to_beginning(*assigned)
        ends = await consumer.end_offsets(assigned)
        letters: list[DeadLetter] = []
        remaining = {tp for tp in assigned if ends[tp] > 0}
        while remaining:
            batch = await consumer.getmany(*remaining, timeout_ms=1000)
            for tp, records in batch.items():
                letters.extend(DeadLetter.from_record(r) for r in records if r.offset < ends[tp])
            remaining = {tp for tp in remaining if await consumer.position(tp) < ends[tp]}
        return sorted(letters, key=lambda letter: (letter.partition, letter.offset))
    finally:
        await consumer.stop()


async def _partitions(settings: Settings, topic: str) -> list[int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
    finally:
        await admin.close()
    if described.get("error_code", 0) != 0 or not described.get("partitions"):
        raise SystemExit(f"no topic {topic}")
    return sorted(partition["partition"] for partition in described["partitions"])


async def replay(settings: Settings, letters: Sequence[DeadLetter]) -> None:
    """Publish each letter back to its original topic, in the order given."""
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers, enable_idempotence=True
    )
    await producer.start()
    try:
        for letter in letters:
            if not letter.original_topic:
                raise SystemExit(f"{letter.partition}:{letter.offset} names no original topic")
            await producer.send_and_wait(
                letter.original_topic,
                letter.value,
                key=letter.key,
                headers=letter.replay_headers(),
            )
    finally:
        await producer.stop()


def select(
    letters: list[DeadLetter], *, offset: int | None, partition: int | None
) -> list[DeadLetter]:
    """The letters ``--all`` (offset None) or ``--offset [--partition]`` names; exactly one."""
    if offset is None:
        return letters
    chosen = [
        letter
        for letter in letters
        if letter.offset == offset and partition in (None, letter.partition)
    ]
    if not chosen:
        raise SystemExit(f"no dead letter at offset {offset}")
    if len(chosen) > 1:
        raise SystemExit(f"offset {offset} is on several partitions: give --partition")
    return chosen


def _print_table(letters: list[DeadLetter]) -> None:
    print("partition:offset\toriginal\terror type\terror\tevent id\tevent type\ttime")
    for letter in letters:
        original = f"{letter.original_topic}[{letter.original_partition}]@{letter.original_offset}"
        print(
            f"{letter.partition}:{letter.offset}\t{original}\t{letter.error_type}\t"
            f"{letter.error}\t{letter.event_id}\t{letter.event_type}\t{letter.time}"
        )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m skilleval_shared.dlq",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="show the dead letters of a service")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    replaying = commands.add_parser("replay", help="publish dead letters to their topics again")
    which = replaying.add_mutually_exclusive_group(required=True)
    which.add_argument("--offset", type=int, help="the dead letter at this DLQ offset")
    which.add_argument("--all", action="store_true", help="every dead letter, in DLQ order")
    replaying.add_argument("--partition", type=int, help="the DLQ partition of --offset")
    for command in (listing, replaying):
        command.add_argument("--service", required=True, choices=topics.SERVICES)
        command.add_argument("--namespace", help="default: the NAMESPACE environment variable")
    return parser


async def run(argv: Sequence[str]) -> None:
    arguments = _parser().parse_args(argv)
    overrides = {} if arguments.namespace is None else {"namespace": arguments.namespace}
    settings = Settings(**overrides)
    letters = await read_dead_letters(settings, arguments.service)
    if arguments.command == "list":
        if arguments.json:
            for letter in letters:
                print(json.dumps(letter.summary(), ensure_ascii=False))
        else:
            _print_table(letters)
        return
    chosen = select(letters, offset=arguments.offset, partition=arguments.partition)
    await replay(settings, chosen)
    for letter in chosen:
        print(f"replayed {letter.partition}:{letter.offset} to {letter.original_topic}")


def main(argv: Sequence[str] | None = None) -> None:
    asyncio.run(run(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    main()
