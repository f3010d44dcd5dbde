"""The directory follows every catalog change and is searchable by name and occupation, as an
API and as a page."""

from __future__ import annotations

import pytest

from skilleval_registry.bootstrap import build_app
from skilleval_registry.settings import RegistrySettings
from skilleval_shared import topics
from support.apps import serve_in_process
from support.filing_samples import filing_filed
from support.kafka import eventually, produce
from support.registry_samples import catalog_changed, event
from support.samples import OTHER_USCC, USCC

pytestmark = pytest.mark.integration


async def test_the_directory_follows_a_catalog_change_and_searches(make_settings, mongo):
    settings = make_settings("registry", RegistrySettings, lookups_per_minute=100_000)
    async with serve_in_process(build_app(settings)) as client:
        for data in (
            filing_filed(),
            filing_filed(OTHER_USCC, "青岛海岸食品有限公司", "000124"),
            catalog_changed(2),
        ):
            await produce(
                settings.kafka_bootstrap_servers,
                settings.topic(topics.FILING_EVENTS),
                event(data).to_json_bytes(),
                key=data.uscc.encode(),
            )

        async def welders() -> list[dict]:
            response = await client.get(
                "/api/v1/public/institutions", params={"occupation": "焊工"}
            )
            return response.json()

        found = await eventually(welders)
        assert [item["uscc"] for item in found] == [USCC]
        item = found[0]
        assert (item["catalog_version"], item["receipt_number"], item["status_title"]) == (
            2,
            "QDZP-2026-000123",
            "已备案",
        )
        assert item["catalog"][1]["level_titles"] == "五级/初级工、四级/中级工"
        assert item["institution_code"] == "0000"

        await eventually(
            lambda: _count(client, {"name": "海岸"}, 1)
        )  # the second filing arrived too
        assert await _count(client, {"occupation": "6-18-01-01"}, 2)
        assert await _count(client, {"name": "海岸", "occupation": "焊工"}, 0)

        html = await client.get("/institutions", params={"occupation": "焊工"})
        assert html.status_code == 200 and "text/html" in html.headers["content-type"]
        assert "青岛示例机械有限公司" in html.text and "海岸" not in html.text
        assert "焊工" in html.text and "QDZP-2026-000123" in html.text


async def _count(client, params: dict[str, str], expected: int) -> bool:
    response = await client.get("/api/v1/public/institutions", params=params)
    return len(response.json()) == expected
