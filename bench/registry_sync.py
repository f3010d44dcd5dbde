"""The registry's provincial sync alone: ``ROWS`` certificate events, then the province's
answers, through ``ProvinceSync`` in consumer-sized batches, on the real database (no Kafka, no
other service): one record at a time (as before this branch) and the batch path (bulk commits),
alternately.

    PYTHONPATH=tests uv run python -m bench.registry_sync   # BENCH_ROWS (2,000), BENCH_REPEATS (2)
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from skilleval_registry.sync.model import SyncRecord
from skilleval_registry.sync.service import ProvinceSync
from skilleval_shared.envelope import CloudEvent, wrap
from skilleval_shared.events.registry import ProvinceSyncAcknowledged
from skilleval_shared.repository import Repository
from skilleval_shared.settings import Settings
from skilleval_shared.storage.aggregates import AggregateStore
from skilleval_shared.storage.mongo import database, make_client
from support.registry_samples import certificate_issued

ROWS = int(os.environ.get("BENCH_ROWS", "2000"))
BATCH = 500  # about a consumer batch


async def bench_sync(settings: Settings, bulk: bool, rows: int = ROWS) -> dict[str, float]:
    """Seconds to record ``rows`` issued certificates (each sent), then their acknowledgements."""
    client = make_client(settings)
    db = database(client, settings)
    sync = ProvinceSync(
        Repository(AggregateStore(db, "sync"), SyncRecord),
        ack_timeout_seconds=3600,
    )

    async def send(batch: list[CloudEvent[Any]]) -> None:
        if bulk:
            await sync.record_certificate_events(batch)
        else:
            for event in batch:
                await sync.record_certificate_event(event)

    async def answer(batch: list[CloudEvent[Any]]) -> None:
        if bulk:
            await sync.record_acknowledgements(batch)
        else:
            for event in batch:
                await sync.record_acknowledgement(event)

    issued = [wrap(certificate_issued(serial)) for serial in range(1, rows + 1)]
    try:
        started = time.perf_counter()
        for start in range(0, rows, BATCH):
            await send(issued[start : start + BATCH])
        sent_s = time.perf_counter() - started
        numbers = [event.data.certificate_number for event in issued]
        records = [(await sync.records.get(number)).state for number in numbers]
        answers = [
            wrap(
                ProvinceSyncAcknowledged(
                    certificate_number=record.certificate_number,
                    sync_id=str(record.sync_id),
                    accepted=True,
                )
            )
            for record in records
        ]
        started = time.perf_counter()
        for start in range(0, rows, BATCH):
            await answer(answers[start : start + BATCH])
        acked_s = time.perf_counter() - started
    finally:
        await client.drop_database(settings.database_name)
        await client.close()
    return {"sent_s": sent_s, "acked_s": acked_s}


async def main() -> None:
    from support.infra import provide_infra

    repeats = int(os.environ.get("BENCH_REPEATS", "2"))
    with provide_infra() as infra:
        for _ in range(repeats):
            for bulk in (False, True):
                settings = Settings(
                    service_name="registry",
                    kafka_bootstrap_servers=infra.kafka_bootstrap_servers,
                    mongodb_url=infra.mongodb_url,
                    namespace="bench" + uuid.uuid4().hex[:8],
                    mongodb_timeout_ms=60_000,  # a loaded machine: a slow call is not a failure
                )
                load = os.getloadavg()[0]
                result = await bench_sync(settings, bulk)
                print(
                    f"{'batch path' if bulk else 'one at a time'} rows={ROWS} load={load:.1f}: "
                    f"sent {result['sent_s']:.1f} s, acked {result['acked_s']:.1f} s",
                    flush=True,
                )


if __name__ == "__main__":
    asyncio.run(main())
