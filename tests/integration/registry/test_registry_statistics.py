"""Statistics of the certificates held, as JSON and as a page of server-drawn SVG charts."""

from __future__ import annotations

from datetime import date

import pytest

from skilleval_registry.bootstrap import build_app
from skilleval_registry.settings import RegistrySettings
from skilleval_shared import topics
from support.apps import serve_in_process
from support.kafka import eventually, produce
from support.registry_samples import (
    certificate_issued,
    certificate_revoked,
    event,
    id_number,
    uscc_in,
)

pytestmark = pytest.mark.integration

HUANGDAO, LAOSHAN = uscc_in("370211"), uscc_in("370212")
WELDER = ("6-18-02-04", "焊工", "--")
CERTIFICATES = [
    certificate_issued(1, id_no=id_number(1), level=5, uscc=HUANGDAO),
    certificate_issued(2, id_no=id_number(2), level=4, uscc=HUANGDAO),
    certificate_issued(3, id_no=id_number(3), level=4, uscc=LAOSHAN, occupation=WELDER),
    certificate_issued(4, id_no=id_number(4), level=3, uscc=LAOSHAN, issue_date=date(2025, 6, 1)),
]


async def test_statistics_count_by_every_dimension(make_settings, mongo):
    settings = make_settings(
        "registry", RegistrySettings, statistics_cache_seconds=0, lookups_per_minute=100_000
    )
    async with serve_in_process(build_app(settings)) as client:
        for data in (*CERTIFICATES, certificate_revoked(CERTIFICATES[0].certificate_number)):
            await produce(
                settings.kafka_bootstrap_servers,
                settings.topic(topics.CERTIFICATION_EVENTS),
                event(data).to_json_bytes(),
                key=data.kafka_key().encode(),
            )

        async def counted() -> dict | None:
            body = (await client.get("/api/v1/public/statistics")).json()
            return body if body["total"] == 4 and body["by_status"]["revoked"] == 1 else None

        body = await eventually(counted)
        named = {
            dimension: {item["name"]: item["count"] for item in items}
            for dimension, items in body["dimensions"].items()
        }
        assert named["level"] == {"五级/初级工": 1, "四级/中级工": 2, "三级/高级工": 1}
        assert list(named["level"]) == ["五级/初级工", "四级/中级工", "三级/高级工"]
        assert named["district"] == {"黄岛区": 2, "崂山区": 2}
        assert named["year"] == {"2025年": 1, "2026年": 3}
        assert named["occupation"] == {"车工（6-18-01-01）": 3, "焊工（6-18-02-04）": 1}
        assert named["institution_name"] == {"青岛示例机械有限公司": 4}

        html = await client.get("/statistics")
        assert html.status_code == 200 and "<svg" in html.text and "<script" not in html.text
        assert "黄岛区" in html.text and "四级/中级工" in html.text
