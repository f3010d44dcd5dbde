"""The assessment app served in process against real Kafka and the database, tokens minted
for each role, and filing's events produced onto the filing topic."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from skilleval_assessment.bootstrap import build_app
from skilleval_assessment.settings import AssessmentSettings
from skilleval_shared import topics
from skilleval_shared.auth import Principal, Role, issuer_from_settings
from skilleval_shared.envelope import CloudEvent
from support.apps import serve_in_process
from support.kafka import produce


@pytest.fixture
def assessment_settings(make_settings, jwt_keys) -> AssessmentSettings:
    settings: AssessmentSettings = make_settings(
        "assessment",
        AssessmentSettings,
        jwt_public_key_file=jwt_keys["JWT_PUBLIC_KEY_FILE"],
        jwt_private_key_file=jwt_keys["JWT_PRIVATE_KEY_FILE"],
    )
    return settings


@pytest.fixture
async def assessment(assessment_settings, mongo) -> AsyncIterator[httpx.AsyncClient]:
    app = build_app(assessment_settings)
    async with serve_in_process(app) as client:
        client.app = app  # type: ignore[attr-defined]
        yield client


@pytest.fixture
def headers(assessment_settings) -> Callable[..., dict[str, str]]:
    issuer = issuer_from_settings(assessment_settings)

    def make(role: Role, uscc: str | None = None) -> dict[str, str]:
        subject = uscc if role is Role.ENTERPRISE and uscc else f"staff:{role.value}"
        principal = Principal(subject=subject, role=role, uscc=uscc, name="测试")
        return {"Authorization": f"Bearer {issuer.issue(principal)}"}

    return make


@pytest.fixture
def publish_filing(assessment_settings) -> Callable[[CloudEvent[Any]], Any]:
    async def send(event: CloudEvent[Any]) -> None:
        await produce(
            assessment_settings.kafka_bootstrap_servers,
            assessment_settings.topic(topics.FILING_EVENTS),
            event.to_json_bytes(),
            key=event.data.kafka_key().encode(),
            headers={"content-type": "application/cloudevents+json"},
        )

    return send
