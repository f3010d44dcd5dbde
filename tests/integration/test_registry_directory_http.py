"""The public directory answers a malformed USCC with a Chinese 422 saying what is wrong, an
unknown valid one with a 404, and hostile ids with a problem, never a 5xx."""

from __future__ import annotations

import pytest

from integration.filing.test_hostile_requests import HOSTILE_IDS, check
from skilleval_registry.bootstrap import build_app
from skilleval_registry.settings import RegistrySettings
from support.apps import serve_in_process
from support.samples import OTHER_USCC, USCC

pytestmark = pytest.mark.integration

URL = "/api/v1/public/institutions/{}"


@pytest.fixture
async def registry(make_settings, mongo):
    async with serve_in_process(build_app(make_settings("registry", RegistrySettings))) as client:
        yield client


async def test_a_malformed_uscc_is_a_422_naming_the_fault(registry):
    wrong_check_character = USCC[:-1] + ("4" if USCC[-1] != "4" else "5")
    for uscc, fault in ((wrong_check_character, "校验位"), ("9135010", "18位")):
        response = await registry.get(URL.format(uscc))
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert fault in str(response.json()["errors"]), response.text


async def test_an_unknown_valid_uscc_is_a_404_and_lower_case_is_accepted(registry):
    for uscc in (OTHER_USCC, OTHER_USCC.lower()):
        response = await registry.get(URL.format(uscc))
        assert response.status_code == 404, response.text
        assert response.json()["detail"] == "未找到该评价机构"


async def test_hostile_ids_are_problems_never_5xx(registry):
    for hostile in HOSTILE_IDS:
        response = await registry.get(URL.format(hostile))
        check(response, f"{hostile}: {response.text[:300]}")
        assert response.status_code in (404, 422), response.text


async def test_metrics_answer_the_operators_networks_only(make_settings, mongo):
    # The in-process client calls from 127.0.0.1, inside the default networks.
    settings = make_settings("registry", RegistrySettings)
    async with serve_in_process(build_app(settings)) as client:
        response = await client.get("/metrics")
        assert response.status_code == 200
        assert "skilleval_http_requests_total" in response.text
    outside = make_settings("registry", RegistrySettings, metrics_allowed_networks=["10.0.0.0/8"])
    async with serve_in_process(build_app(outside)) as client:
        refused = await client.get("/metrics")
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "运维网络" in refused.json()["detail"]
        assert (await client.get("/healthz")).status_code == 200


async def test_the_directory_follows_the_institution_code(make_settings, mongo):
    from skilleval_shared import topics
    from skilleval_shared.envelope import wrap
    from skilleval_shared.events.filing import InstitutionCodeAssigned
    from support.filing_samples import filing_filed
    from support.kafka import eventually, produce

    settings = make_settings("registry", RegistrySettings)
    app = build_app(settings)
    async with serve_in_process(app):
        for data in (
            filing_filed(),
            InstitutionCodeAssigned(
                uscc=USCC,
                filing_id=f"{USCC}-1",
                decided_by="staff:wang",
                institution_code="0123",
                previous_code="0000",
            ),
        ):
            event = wrap(data)
            await produce(
                settings.kafka_bootstrap_servers,
                settings.topic(topics.FILING_EVENTS),
                event.to_json_bytes(),
                key=USCC.encode(),
            )

        async def recoded() -> bool:
            found = await app.state.directory.get(USCC)
            return found is not None and found.get("institution_code") == "0123"

        await eventually(recoded)


async def test_a_replayed_filed_event_does_not_undo_a_later_suspension(make_settings, mongo):
    from skilleval_registry.directory.service import Directory
    from skilleval_shared.envelope import wrap
    from skilleval_shared.events.filing import FilingSuspended
    from support.filing_samples import filing_filed

    settings = make_settings("registry", RegistrySettings)
    directory = Directory(mongo[settings.database_name])
    filed = wrap(filing_filed()).model_copy(update={"sequence": "5000"})
    suspended = wrap(
        FilingSuspended(
            uscc=USCC, filing_id=f"F-{USCC}", decided_by="city-1", reason="检查发现问题"
        )
    ).model_copy(update={"sequence": "6000", "subject": filed.subject})
    await directory.record_filed(filed)
    await directory.record_status(suspended)
    await directory.record_filed(filed)  # redelivered after the suspension
    found = await directory.get(USCC)
    assert found is not None and found["status"] == "suspended"
