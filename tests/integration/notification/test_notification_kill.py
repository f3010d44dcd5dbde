"""kill -9 the notification service mid-roster and start it again: every holder gets the email,
and anything sent twice is the same email (one Message-ID), within the unrecorded chunks."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from pathlib import Path

import pytest

from skilleval_shared.envelope import wrap
from support import notification_samples as samples
from support.infra import Infra
from support.kafka import produce
from support.mailpit import search
from support.services import start_service

pytestmark = pytest.mark.integration

HOLDERS = 300
UNRECORDED_AT_MOST = 48  # CHUNK × CHUNKS_AT_ONCE of the one killed process


async def received(infra: Infra, tag: str) -> dict[str, list[str]]:
    found = await search(infra.mailpit_api, f"to:{tag}", limit=5000)
    per_address: dict[str, list[str]] = defaultdict(list)
    for message in found:
        for to in message["To"]:
            if tag in to["Address"]:
                per_address[to["Address"]].append(message["MessageID"])
    return dict(per_address)


async def test_killed_mid_roster_every_holder_gets_the_email_once(
    infra: Infra, service_env: dict[str, str], tmp_path: Path, tag: str
) -> None:
    env = service_env | {
        "CITY_CENTER_EMAIL": f"city-{tag}@example.com",
        "PROVINCE_CENTER_EMAIL": f"province-{tag}@example.com",
        "SMTP_MAX_PER_SECOND": "100",  # slow enough to be killed mid-roster
        "DELIVERY_STALE_SECONDS": "2",
        "DELIVERY_RETRY_POLL_SECONDS": "0.3",
    }
    first = start_service("notification", env, tmp_path)
    topic = f"{env['NAMESPACE']}.certification.events.v1"
    for n in range(HOLDERS):
        event = wrap(samples.certificate_issued(tag, serial=n + 1, email=f"h{n}-{tag}@example.com"))
        await produce(
            infra.kafka_bootstrap_servers, topic, event.to_json_bytes(), key=event.subject.encode()
        )
    deadline = time.monotonic() + 60
    while len(await received(infra, tag)) < HOLDERS // 4:
        assert time.monotonic() < deadline, "nothing arrived before the kill"
        await asyncio.sleep(0.2)
    first.kill()
    before = len(await received(infra, tag))
    assert before < HOLDERS, "killed too late to prove anything"

    second = start_service("notification", env, tmp_path)
    try:
        deadline = time.monotonic() + 120
        while len(got := await received(infra, tag)) < HOLDERS:
            assert time.monotonic() < deadline, f"{len(got)} of {HOLDERS} holders reached"
            await asyncio.sleep(0.5)
        await asyncio.sleep(3)  # anything late would show now
        got = await received(infra, tag)
    finally:
        second.stop()
    assert len(got) == HOLDERS
    assert all(len(set(ids)) == 1 for ids in got.values()), "a holder got two different emails"
    repeated = sum(len(ids) - 1 for ids in got.values())
    assert repeated <= UNRECORDED_AT_MOST
