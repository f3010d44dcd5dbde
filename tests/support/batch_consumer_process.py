"""A service-like consumer with a batch handler, as its own process so a test can SIGKILL it.

Usage: python batch_consumer_process.py RUN [HOLD_AFTER]
Settings from the environment, as a service reads them (NAMESPACE, KAFKA_BOOTSTRAP_SERVERS, ...).

For each event the handler inserts ``effects/{_id: "<event id>:<RUN>:<uuid>"}`` (one per
execution: counts how often it ran) and ``results/{_id: <event id>}`` (the idempotent effect: a
duplicate key means it is already there). After HOLD_AFTER events it prints "holding" and waits,
in the middle of its batch, for the kill.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from typing import Any

from skilleval_shared import topics
from skilleval_shared.envelope import CloudEvent
from skilleval_shared.events.filing import FilingFiled
from skilleval_shared.messaging import EventConsumer, make_broker
from skilleval_shared.settings import Settings
from skilleval_shared.storage.idempotency import ProcessedGuard
from skilleval_shared.storage.mongo import database, is_duplicate_key, make_client


async def main(run: str, hold_after: int | None) -> None:
    settings = Settings()
    client = make_client(settings)
    db = database(client, settings)
    broker = make_broker(settings)
    consumer = EventConsumer(
        settings=settings,
        broker=broker,
        guard=ProcessedGuard(db["processed"], settings.service_name),
    )
    handled = 0

    @consumer.on_batch(FilingFiled)
    async def record(events: list[CloudEvent[Any]]) -> None:
        nonlocal handled
        for event in events:
            await db["effects"].insert_one(
                {"_id": f"{event.id}:{run}:{uuid.uuid4().hex}", "event": event.id, "run": run}
            )
            try:
                await db["results"].insert_one({"_id": event.id})
            except Exception as error:
                if not is_duplicate_key(error):
                    raise
            handled += 1
            if handled == hold_after:
                print("holding", flush=True)
                await asyncio.Event().wait()

    consumer.subscribe(topics.FILING_EVENTS)
    await broker.start()
    print("consuming", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else None))
