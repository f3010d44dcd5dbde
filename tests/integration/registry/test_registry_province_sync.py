"""Provincial sync through real Kafka: every certificate goes out keyed by its number, the
simulated province accepts some and rejects others, and the status and reconciliation report
show exactly that; staff resend a range."""

from __future__ import annotations

import pytest

from skilleval_registry.bootstrap import build_app
from skilleval_registry.province.model import REJECTION_REASON, rejects
from skilleval_registry.settings import RegistrySettings
from skilleval_shared import topics
from skilleval_shared.events.registry import ProvinceSyncAcknowledged
from support.apps import serve_in_process
from support.kafka import eventually, produce, read_until
from support.registry_samples import (
    certificate_issued,
    certificate_revoked,
    event,
    id_number,
    staff_headers,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def staff(jwt_keys) -> dict[str, str]:
    return staff_headers(jwt_keys)


def registry_settings(make_settings, jwt_keys, **overrides) -> RegistrySettings:
    return make_settings(
        "registry",
        RegistrySettings,
        jwt_public_key_file=jwt_keys["JWT_PUBLIC_KEY_FILE"],
        **overrides,
    )


async def send(settings, *items) -> None:
    for data in items:
        await produce(
            settings.kafka_bootstrap_servers,
            settings.topic(
                topics.CERTIFICATION_EVENTS
                if "certificate" in type(data).__name__.lower()
                else topics.PROVINCE_ACKS
            ),
            event(data).to_json_bytes(),
            key=data.kafka_key().encode(),
        )


CERTIFICATES = [certificate_issued(n, name=f"工{n}", id_no=id_number(n)) for n in range(1, 13)]
NUMBERS = [item.certificate_number for item in CERTIFICATES]


async def test_the_simulated_province_accepts_some_and_rejects_others(
    make_settings, mongo, jwt_keys, staff
):
    settings = registry_settings(
        make_settings, jwt_keys, province_simulator=True, province_reject_percent=50
    )
    expected_rejected = sorted(number for number in NUMBERS if rejects(number, 50))
    assert 0 < len(expected_rejected) < len(NUMBERS)  # the sample shows both answers
    async with serve_in_process(build_app(settings)) as client:
        await send(settings, *CERTIFICATES, certificate_revoked(NUMBERS[0]))

        async def settled() -> dict[str, int] | None:
            counts = (await client.get("/api/v1/sync/summary", headers=staff)).json()["counts"]
            done = counts["accepted"] + counts["rejected"] == len(NUMBERS)
            return counts if done and counts["pending"] == 0 else None

        counts = await eventually(settled, timeout=60)
        assert counts["rejected"] == len(expected_rejected)

        for number in NUMBERS:
            view = (await client.get(f"/api/v1/sync/certificates/{number}", headers=staff)).json()
            if number in expected_rejected:
                assert (view["status"], view["message"]) == ("rejected", REJECTION_REASON)
                assert view["status_title"] == "省库退回"
            else:
                assert view["status"] == "accepted" and view["message"] is None
        revoked = (
            await client.get(f"/api/v1/sync/certificates/{NUMBERS[0]}", headers=staff)
        ).json()
        assert [attempt["operation"] for attempt in revoked["history"]] == ["upsert", "revoke"]

        report = (
            await client.get(
                "/api/v1/sync/reconciliation", params={"older_than_seconds": 0}, headers=staff
            )
        ).json()
        assert report["unacknowledged"] == []
        assert [item["certificate_number"] for item in report["rejected"]] == expected_rejected

    records = await read_until(
        settings.kafka_bootstrap_servers,
        settings.topic(topics.REGISTRY_PROVINCE_SYNC),
        lambda found: len(found) >= len(NUMBERS) + 1,
    )
    assert {record.key.decode() for record in records} == set(NUMBERS)
    first = next(r.json() for r in records if r.key.decode() == NUMBERS[1])
    assert first["type"] == "cn.skilleval.registry.sync.recorded.v1"
    assert first["data"]["row"]["certificate_number"] == NUMBERS[1]
    assert first["data"]["row"]["id_number"] == id_number(2)


async def test_reconciliation_lists_the_unanswered_and_staff_resend_a_range(
    make_settings, mongo, jwt_keys, staff
):
    settings = registry_settings(make_settings, jwt_keys)
    three = CERTIFICATES[:3]
    async with serve_in_process(build_app(settings)) as client:
        assert (await client.get("/api/v1/sync/summary")).status_code == 401
        await send(settings, *three)

        async def unanswered(seconds: float | None = 0) -> list[str]:
            params = {} if seconds is None else {"older_than_seconds": seconds}
            report = await client.get("/api/v1/sync/reconciliation", params=params, headers=staff)
            return [item["certificate_number"] for item in report.json()["unacknowledged"]]

        await eventually(lambda: _equals(unanswered(), NUMBERS[:3]))
        assert await unanswered(None) == []  # the configured wait (an hour) has not passed

        view = (await client.get(f"/api/v1/sync/certificates/{NUMBERS[0]}", headers=staff)).json()
        first_sync = view["sync_id"]
        await send(
            settings,
            ProvinceSyncAcknowledged(
                certificate_number=NUMBERS[0], sync_id=first_sync, accepted=True
            ),
        )
        await eventually(lambda: _equals(unanswered(), NUMBERS[1:3]))

        resent = await client.post(
            "/api/v1/sync/resend", json={"first": NUMBERS[0], "last": NUMBERS[1]}, headers=staff
        )
        assert resent.json() == {"resent": 2, "certificate_numbers": NUMBERS[:2]}
        again = (await client.get(f"/api/v1/sync/certificates/{NUMBERS[0]}", headers=staff)).json()
        assert (again["status"], again["sends"]) == ("pending", 2)
        assert again["sync_id"] != first_sync and again["history"][0]["status"] == "accepted"

        # an answer to the earlier send does not settle the new one
        await send(
            settings,
            ProvinceSyncAcknowledged(
                certificate_number=NUMBERS[0], sync_id=first_sync, accepted=False, message="重复"
            ),
        )
        await eventually(lambda: _history_message(client, staff, NUMBERS[0], "重复"))
        assert await unanswered() == NUMBERS[:3]

        bad = await client.post(
            "/api/v1/sync/resend", json={"first": NUMBERS[2], "last": NUMBERS[0]}, headers=staff
        )
        assert bad.status_code == 422 and "起始" in bad.json()["detail"]


async def _equals(awaitable, expected) -> bool:
    return await awaitable == expected


async def _history_message(client, staff, number: str, message: str) -> bool:
    view = (await client.get(f"/api/v1/sync/certificates/{number}", headers=staff)).json()
    return view["history"][0]["message"] == message and view["status"] == "pending"
