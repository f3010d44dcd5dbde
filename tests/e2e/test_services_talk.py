"""Real service processes talking through real Kafka: filing publishes, registry persists."""

from __future__ import annotations

import httpx
import pytest
from cloudevents.v1.kafka import KafkaMessage, from_structured

from skilleval_shared import topics
from skilleval_shared.envelope import wrap
from skilleval_shared.storage.aggregates import AggregateStore
from support.filing_samples import filing_filed
from support.kafka import eventually, read_until
from support.samples import USCC
from support.services import running

pytestmark = pytest.mark.integration


async def test_filing_event_reaches_registry_directory_and_any_kafka_client(
    service_env, make_settings, mongo, tmp_path
):
    filing_db = mongo[make_settings("filing").database_name]
    with running(["filing", "registry"], service_env, tmp_path) as services:
        for service in services.values():
            assert httpx.get(f"{service.url}/healthz").json()["status"] == "ok"
            assert httpx.get(f"{service.url}/asyncapi.json").status_code == 200
            assert "skilleval_http_requests_total" in httpx.get(f"{service.url}/metrics").text
        # The filing service's own commit step; its running relay publishes the event.
        event = wrap(filing_filed())
        await AggregateStore(filing_db, "filing").commit("F-1", 0, {"status": "filed"}, [event])

        registry = services["registry"].url

        def listed() -> bool:
            response = httpx.get(f"{registry}/api/v1/public/institutions/{USCC}")
            return response.status_code == 200 and response.json()["status"] == "filed"

        await eventually(listed, timeout=30)
        directory = httpx.get(f"{registry}/api/v1/public/institutions").json()
        assert [item["uscc"] for item in directory] == [USCC]
        missing = httpx.get(f"{registry}/api/v1/public/institutions/91512081MA62K0260E")
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("application/problem+json")

    settings = make_settings("test-reader")
    records = await read_until(
        settings.kafka_bootstrap_servers,
        settings.topic(topics.FILING_EVENTS),
        lambda got: len(got) >= 1,
    )
    assert len(records) == 1
    headers = {k: v.encode() for k, v in records[0].headers.items()}
    parsed = from_structured(
        KafkaMessage(headers=headers, key=records[0].key, value=records[0].value)
    )
    assert parsed["id"] == event.id
    assert parsed["type"] == "cn.skilleval.filing.filing.filed.v1"
    assert parsed.get_data()["institution_serial"] == "000123"


async def test_services_create_every_topic_explicitly_with_six_partitions(
    service_env, make_settings, tmp_path
):
    from aiokafka.admin import AIOKafkaAdminClient

    settings = make_settings("topic-check")
    with running(["notification"], service_env, tmp_path):
        admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
        await admin.start()
        try:
            wanted = [settings.topic(name) for name in topics.ALL_TOPICS]
            described = await admin.describe_topics(wanted)
        finally:
            await admin.close()
    assert {topic["topic"] for topic in described} == set(wanted)
    assert all(len(topic["partitions"]) == 6 for topic in described)
