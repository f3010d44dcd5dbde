"""Helpers for the tests that run the notification app in process: events published on real
Kafka the way their services publish them, and staff or enterprise tokens for the log API."""

from __future__ import annotations

from typing import Any

from skilleval_notification.settings import NotificationSettings
from skilleval_shared.auth import Principal, Role, TokenIssuer
from skilleval_shared.envelope import CloudEvent
from support.infra import Infra
from support.kafka import produce


async def publish(infra: Infra, settings: NotificationSettings, event: CloudEvent[Any]) -> None:
    await produce(
        infra.kafka_bootstrap_servers,
        settings.topic(event.data.topic),
        event.to_json_bytes(),
        key=event.data.kafka_key().encode(),
        headers={"content-type": "application/cloudevents+json"},
    )


def bearer(issuer: TokenIssuer, role: Role, uscc: str | None = None) -> dict[str, str]:
    token = issuer.issue(Principal(subject=f"{role}-1", role=role, uscc=uscc))
    return {"Authorization": f"Bearer {token}"}
