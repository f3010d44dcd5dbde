"""Rebuild the talent database from ``certification.events.v1``, from the first offset to the
last one present when the command starts, in batches.

    uv run python -m skilleval_registry.talent.rebuild            # replaces the live collections
    uv run python -m skilleval_registry.talent.rebuild --prefix rebuilt_   # builds beside them

Run it with the registry stopped (or into a prefix): the live consumer would write meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from skilleval_registry.settings import RegistrySettings
from skilleval_registry.talent.service import CERTIFICATE_EVENTS, TalentDatabase
from skilleval_shared import topics
from skilleval_shared.envelope import CloudEvent
from skilleval_shared.events import parse_event
from skilleval_shared.storage.mongo import database, make_client

BATCH = 500
HANDLED = {cls.event_type() for cls in CERTIFICATE_EVENTS}
logger = logging.getLogger(__name__)


async def rebuild(settings: RegistrySettings, *, prefix: str = "") -> int:
    """Drop and rebuild the collections under ``prefix``; returns the events applied."""
    client = make_client(settings)
    talent = TalentDatabase(database(client, settings), prefix=prefix)
    await talent.clear()
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers, enable_auto_commit=False
    )
    await consumer.start()
    applied = 0
    try:
        name = settings.topic(topics.CERTIFICATION_EVENTS)
        # ``partitions_for_topic`` only knows topics already fetched: fetch the metadata.
        cluster = await consumer._client.fetch_all_metadata()
        partitions = [TopicPartition(name, p) for p in cluster.partitions_for_topic(name) or ()]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        remaining = {tp for tp, end in ends.items() if end > 0}
        while remaining:
            fetched = await consumer.getmany(*remaining, timeout_ms=1000, max_records=BATCH)
            for partition, records in fetched.items():
                events: list[CloudEvent[Any]] = []
                for record in records:
                    if record.offset < ends[partition]:
                        event = _certificate_event(record.value)
                        if event is not None:
                            events.append(event)
                if events:
                    applied += await talent.record(events)
                if records and records[-1].offset >= ends[partition] - 1:
                    remaining.discard(partition)
    finally:
        await consumer.stop()
        await client.close()
    return applied


def _certificate_event(value: bytes | None) -> CloudEvent[Any] | None:
    try:
        event = parse_event(value or b"")
    except Exception:  # not ours to judge here: the live consumer dead-letters it
        return None
    return event if event.type in HANDLED else None


def main() -> None:
    parser = argparse.ArgumentParser(description="从证书事件重建人才库")
    parser.add_argument("--prefix", default="", help="写入带此前缀的集合（默认替换现有人才库）")
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    applied = asyncio.run(rebuild(RegistrySettings(), prefix=arguments.prefix))
    print(f"人才库已重建：应用 {applied} 个证书事件")


if __name__ == "__main__":
    main()
