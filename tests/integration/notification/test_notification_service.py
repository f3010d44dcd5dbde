"""The notification app in process: events from real Kafka become emails in Mailpit, once, and
the delivery log answers staff and the owning enterprise."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from integration.notification.published import bearer, publish
from skilleval_notification.bootstrap import build_app
from skilleval_notification.settings import NotificationSettings
from skilleval_shared.auth import Role, TokenIssuer
from skilleval_shared.events import assessment, certification, filing
from support import notification_samples as samples
from support.apps import serve_in_process
from support.infra import Infra
from support.kafka import eventually, read_until
from support.mailpit import messages_to

pytestmark = pytest.mark.integration


async def test_events_from_kafka_are_emailed_once_and_logged_for_their_owner(
    infra: Infra,
    notification_settings: Callable[..., NotificationSettings],
    jwt_keys: dict[str, str],
    issuer: TokenIssuer,
    tag: str,
) -> None:
    settings = notification_settings(jwt_public_key_file=jwt_keys["JWT_PUBLIC_KEY_FILE"])
    mail = samples.addresses(tag)
    events = [
        samples.sample_event(cls, tag)
        for cls in (
            filing.EnterpriseRegistered,
            filing.FilingReturned,
            assessment.PlanAccepted,
            certification.CertificateIssuedV2,
        )
    ]
    async with serve_in_process(build_app(settings)) as client:
        for event in [*events, events[1], events[3]]:  # the last two are redeliveries
            await publish(infra, settings, event)
        to_enterprise = await messages_to(infra.mailpit_api, mail.enterprise, at_least=3)
        assert sorted(m["Subject"][:6] for m in to_enterprise) == sorted(
            ["企业账号注册", "备案申请被退", "评价考核方案"]
        )
        assert len(await messages_to(infra.mailpit_api, mail.holder)) == 1

        staff = bearer(issuer, Role.CITY_CENTER)
        owner = bearer(issuer, Role.ENTERPRISE, samples.USCC)
        stranger = bearer(issuer, Role.ENTERPRISE, samples.CLIENT_USCC)

        async def all_sent() -> bool:
            page = (await client.get("/api/v1/deliveries", headers=staff)).json()
            return page["total"] == 4 and {i["status"] for i in page["items"]} == {"sent"}

        await eventually(all_sent, timeout=20)
        mine = (await client.get("/api/v1/deliveries", headers=owner)).json()
        assert mine["total"] == 4
        filtered = await client.get(
            "/api/v1/deliveries",
            headers=owner,
            params={"recipient": mail.holder, "status": "sent"},
        )
        [holder] = filtered.json()["items"]
        assert holder["event_type"] == certification.CertificateIssuedV2.event_type()
        by_event = await client.get(
            "/api/v1/deliveries", headers=staff, params={"event_id": events[1].id}
        )
        assert by_event.json()["total"] == 1
        assert (await client.get("/api/v1/deliveries", headers=stranger)).json()["total"] == 0

        one = await client.get(f"/api/v1/deliveries/{holder['id']}", headers=stranger)
        assert one.status_code == 404
        assert one.headers["content-type"].startswith("application/problem+json")
        resend = await client.post(f"/api/v1/deliveries/{holder['id']}/resend", headers=owner)
        assert resend.status_code == 409 and "失败" in resend.json()["detail"]
        assert (await client.get("/api/v1/deliveries")).status_code == 401
        bad = await client.get("/api/v1/deliveries", headers=staff, params={"status": "x"})
        assert bad.status_code == 422

    announced = await read_until(
        infra.kafka_bootstrap_servers,
        settings.topic("notification.events.v1"),
        lambda records: len(records) >= 4,
        timeout=10,
    )
    assert {r.json()["type"] for r in announced} == {"cn.skilleval.notification.email.sent.v1"}
    assert len({r.json()["data"]["notification_id"] for r in announced}) == 4
