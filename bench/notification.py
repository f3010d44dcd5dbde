"""Notification: 10,000 certificate-issued emails to the local SMTP sink, next to the raw floor.

The path measured is the service's own (``Postman.handle_many``: contact book, rendering of both
parts, the delivery log, claims, SMTP through the throttled connection pool, outcomes recorded),
fed in consumer-sized batches. The floor is aiosmtplib alone sending the same number of
pre-built messages over the same number of connections, in the same run.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import aiosmtplib

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from skilleval_notification.bootstrap import smtp_pool
from skilleval_notification.contacts.service import ContactBook
from skilleval_notification.deliveries.service import Postman
from skilleval_notification.messages.model import TemplateBook
from skilleval_notification.settings import NotificationSettings
from skilleval_shared.envelope import wrap
from skilleval_shared.settings import Settings
from skilleval_shared.storage.mongo import database, make_client
from support.notification_samples import certificate_issued

EMAILS = int(os.environ.get("BENCH_EMAILS", "10000"))
BATCH = 500  # events handed over at once, like one consumer batch
BATCHES_AT_ONCE = 2  # partitions handled side by side


async def bench_emails(settings: Settings, smtp_host: str, smtp_port: int) -> dict[str, float]:
    tag = "bench" + uuid.uuid4().hex[:8]
    values: dict[str, Any] = settings.model_dump() | {
        "smtp_host": smtp_host,
        "smtp_port": smtp_port,
        "smtp_max_per_second": 100_000.0,
    }
    notification = NotificationSettings(**values)
    floor_seconds = await _raw_floor(notification, tag)
    emails_seconds, sent = await _service_path(notification, tag)
    return {
        "emails": float(sent),
        "emails_seconds": emails_seconds,
        "emails_per_second": sent / emails_seconds,
        "floor_seconds": floor_seconds,
        "floor_per_second": EMAILS / floor_seconds,
        "ratio_to_floor": emails_seconds / floor_seconds,
    }


async def _service_path(settings: NotificationSettings, tag: str) -> tuple[float, int]:
    events = [
        wrap(certificate_issued(tag, serial=n + 1, email=f"holder{n}-{tag}@example.com"))
        for n in range(EMAILS)
    ]
    client = make_client(settings)
    db = database(client, settings)
    pool = smtp_pool(settings)
    postman = Postman(
        db=db,
        settings=settings,
        pool=pool,
        templates=TemplateBook(certificate_lookup_url=settings.certificate_lookup_url),
        contacts=ContactBook(db),
    )
    batches = [events[start : start + BATCH] for start in range(0, len(events), BATCH)]
    gate = asyncio.Semaphore(BATCHES_AT_ONCE)

    async def handle(batch: list[Any]) -> int:
        async with gate:
            return await postman.handle_many(batch)

    try:
        started = time.perf_counter()
        sent = sum(await asyncio.gather(*(handle(batch) for batch in batches)))
        seconds = time.perf_counter() - started
    finally:
        await pool.close()
        await client.drop_database(settings.database_name)
        await client.close()
    return seconds, sent


async def _raw_floor(settings: NotificationSettings, tag: str) -> float:
    messages = []
    for n in range(EMAILS):
        message = EmailMessage()
        message["From"] = "noreply@example.com"
        message["To"] = f"floor{n}-{tag}@example.com"
        message["Subject"] = f"floor {n}"
        message["Message-ID"] = f"<floor-{n}-{tag}@example.com>"
        message.set_content("职业技能等级证书已发放。" * 20)
        message.add_alternative("<p>职业技能等级证书已发放。</p>" * 20, subtype="html")
        messages.append(message)
    queue: asyncio.Queue[EmailMessage] = asyncio.Queue()
    for message in messages:
        queue.put_nowait(message)

    async def connection() -> None:
        smtp = aiosmtplib.SMTP(hostname=settings.smtp_host, port=settings.smtp_port)
        await smtp.connect()
        try:
            while not queue.empty():
                await smtp.send_message(queue.get_nowait())
        finally:
            await smtp.quit()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(settings.smtp_connections)))
    return time.perf_counter() - started


if __name__ == "__main__":
    from support.infra import provide_infra

    async def main() -> None:
        with provide_infra() as infra:
            settings = Settings(
                service_name="bench",
                kafka_bootstrap_servers=infra.kafka_bootstrap_servers,
                mongodb_url=infra.mongodb_url,
                namespace="bench" + uuid.uuid4().hex[:8],
            )
            results = await bench_emails(settings, infra.smtp_host, infra.smtp_port)
            for name, value in results.items():
                print(f"{name:>20}: {value:,.3f}")

    asyncio.run(main())
