"""退出机制 in the public directory: suspended, revoked (with its grounds) and lapsed
institutions stay listed and are shown as such, from filing's events over real Kafka."""

from __future__ import annotations

from datetime import date

import pytest

from skilleval_registry.bootstrap import build_app
from skilleval_registry.settings import RegistrySettings
from skilleval_shared import topics
from skilleval_shared.events.filing import FilingLapsed, FilingRevoked, FilingSuspended
from skilleval_shared.events.filing_parts import (
    Evidence,
    EvidenceKind,
    RevocationGround,
    RevocationGroundKind,
)
from support.apps import serve_in_process
from support.filing_samples import filing_filed, make_uscc
from support.kafka import eventually, produce
from support.registry_samples import event
from support.samples import OTHER_USCC, USCC

pytestmark = pytest.mark.integration

THIRD = make_uscc(3)
FOURTH = make_uscc(4)


async def test_suspended_revoked_and_lapsed_institutions_are_listed_as_such(make_settings, mongo):
    settings = make_settings("registry", RegistrySettings, lookups_per_minute=100_000)
    grounds = (
        RevocationGround(
            kind=RevocationGroundKind.MISCONDUCT,
            explanation="向未参加考核人员发证",
            evidence=(Evidence(kind=EvidenceKind.COMPLAINT, evidence_id="cmp-1"),),
        ),
        RevocationGround(kind=RevocationGroundKind.MISMANAGEMENT, explanation="考务混乱"),
    )
    changes = [
        (filing_filed(USCC), 1000),
        (filing_filed(OTHER_USCC, "青岛海岸食品有限公司", "000124"), 1000),
        (filing_filed(THIRD, "青岛第三机械有限公司", "000125"), 1000),
        (filing_filed(FOURTH, "青岛第四机械有限公司", "000126"), 1000),
        (
            FilingRevoked(
                uscc=OTHER_USCC,
                filing_id=f"{OTHER_USCC}-1",
                decided_by="staff-1",
                reason="取消评价资质",
                grounds=grounds,
            ),
            2000,
        ),
        (
            FilingSuspended(
                uscc=THIRD,
                filing_id=f"{THIRD}-1",
                decided_by="staff-1",
                reason="限期整改",
                until=date(2027, 3, 31),
            ),
            2000,
        ),
        (FilingLapsed(uscc=FOURTH, filing_id=f"{FOURTH}-1", valid_until=date(2026, 5, 31)), 2000),
    ]
    async with serve_in_process(build_app(settings)) as client:
        for data, sequence in changes:
            await produce(
                settings.kafka_bootstrap_servers,
                settings.topic(topics.FILING_EVENTS),
                event(data, sequence).to_json_bytes(),
                key=data.uscc.encode(),
            )

        async def settled() -> dict[str, dict] | None:
            listed = (await client.get("/api/v1/public/institutions")).json()
            by_uscc = {item["uscc"]: item for item in listed}
            statuses = {uscc: item["status"] for uscc, item in by_uscc.items()}
            wanted = {USCC: "filed", OTHER_USCC: "revoked", THIRD: "suspended", FOURTH: "lapsed"}
            return by_uscc if statuses == wanted else None

        found = await eventually(settled)
        assert (found[USCC]["status_title"], found[USCC]["status_note"]) == ("已备案", None)
        assert (found[OTHER_USCC]["status_title"], found[OTHER_USCC]["status_note"]) == (
            "已取消评价资质",
            "取消评价资质理由：违规失信、管理失序",
        )
        assert (found[THIRD]["status_title"], found[THIRD]["status_note"]) == (
            "暂停评价",
            "暂停评价至2027-03-31",
        )
        assert (found[FOURTH]["status_title"], found[FOURTH]["status_note"]) == (
            "备案已失效",
            "备案有效期至2026-05-31，未继续备案",
        )
        one = (await client.get(f"/api/v1/public/institutions/{OTHER_USCC}")).json()
        assert one["status_title"] == "已取消评价资质"
        html = await client.get("/institutions", params={"name": "海岸"})
        assert "已取消评价资质（取消评价资质理由：违规失信、管理失序）" in html.text
