"""From registration to a filed institution through the real lifecycle only, then a catalog
change and an entrustment on top of it: every step over HTTP, every event read back from Kafka."""

from __future__ import annotations

import pytest

from integration.filing.test_catalog_changes import change
from integration.filing.test_entrustments import submit, terms, upload_plan
from skilleval_shared.auth import Role
from support.filing_flows import (
    accept,
    after_notice,
    kind_of,
    published,
    replica,
    submitted,
    view,
)
from support.filing_samples import (
    MILLER,
)
from support.kafka import eventually
from support.samples import USCC

pytestmark = pytest.mark.integration


async def test_filed_through_the_lifecycle_then_catalog_change_and_entrustment(
    filing, filing_settings, staff_headers, enterprise_headers
):
    enterprise = await enterprise_headers(USCC)
    staff = await staff_headers(Role.CITY_CENTER)
    filing_id = await submitted(filing, enterprise, USCC)
    await accept(filing, staff, filing_id)

    async def filed() -> bool:
        return (await view(filing, enterprise, filing_id))["status"] == "filed"

    async with replica(filing_settings, today_override=after_notice(filing_settings)):
        await eventually(filed, timeout=20)

    catalog = f"/api/v1/enterprises/{USCC}/catalog"
    proposal = await filing.post(
        f"{catalog}/changes", headers=enterprise, json=change({"op": "add", "row": MILLER})
    )
    assert proposal.status_code == 201, proposal.text
    change_id = proposal.json()["change_id"]
    accepted = await filing.post(f"{catalog}/changes/{change_id}/accept", headers=staff)
    assert accepted.status_code == 200, accepted.text
    current = (await filing.get(catalog, headers=enterprise)).json()
    assert current["version"] == 2
    assert "6-18-01-02" in {row["occupation_code"] for row in current["catalog"]["rows"]}

    agreement = await submit(filing, enterprise, terms(filing_settings))
    assert agreement.status_code == 201, agreement.text
    entrustment_id = agreement.json()["entrustment_id"]
    assert (await upload_plan(filing, enterprise, entrustment_id)).status_code == 200
    usable = await filing.post(f"/api/v1/entrustments/{entrustment_id}/accept", headers=staff)
    assert usable.status_code == 200, usable.text

    records = await published(
        filing_settings, lambda got: "entrustment.accepted" in [kind_of(r) for r in got]
    )
    kinds = [kind_of(r) for r in records]
    for expected in (
        "enterprise.registered",
        "filing.submitted",
        "filing.accepted",
        "notice.started",
        "notice.closed",
        "filing.filed",
        "catalog-change.submitted",
        "catalog.changed",
        "entrustment.submitted",
        "entrustment.accepted",
    ):
        assert expected in kinds, (expected, kinds)
    assert kinds.index("filing.filed") < kinds.index("catalog.changed")
    assert kinds.index("catalog.changed") < kinds.index("entrustment.accepted")
    assert {r.key for r in records} == {USCC.encode()}
    changed = next(r.json()["data"] for r in records if kind_of(r) == "catalog.changed")
    assert changed["catalog_version"] == 2
