"""动态管理 over HTTP against the real app, Kafka and database: a catalog change takes effect only
when the city centre accepts it, every version stays in the history, refusals change nothing."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from integration.filing.filed import (
    callers,
    change_state,
    check_roles,
    denied_to,
    filing_events,
    has,
    of_type,
    put_on_file,
)
from skilleval_filing.filings.lifecycle import FilingState
from skilleval_shared.auth import Role
from support.filing_samples import (
    GRINDER,
    LATHE,
    MILLER,
    WELDER,
)
from support.samples import OTHER_USCC, USCC

pytestmark = pytest.mark.integration

CATALOG = f"/api/v1/enterprises/{USCC}/catalog"
CHANGES = f"{CATALOG}/changes"
STAFF = {"city_center", "province_center", "admin"}


def change(*operations: dict[str, Any], explanation: str = "新增数控铣床产线") -> dict[str, Any]:
    return {"operations": list(operations), "explanation": explanation}


def rows_of(body: dict[str, Any]) -> list[tuple[str, str | None, list[int]]]:
    return [
        (row["occupation_code"], row["work_type"], row["levels"]) for row in body["catalog"]["rows"]
    ]


async def snapshot(filing, headers) -> tuple[Any, ...]:
    """Everything a refused request must leave as it was."""
    current = (await filing.get(CATALOG, headers=headers)).json()
    history = (await filing.get(f"{CATALOG}/history", headers=headers)).json()
    changes = (await filing.get(CHANGES, headers=headers)).json()
    return current, history, changes


async def test_a_change_is_effective_only_once_accepted_and_every_version_is_kept(
    filing, filing_settings, enterprise_headers, staff_headers
):
    await put_on_file(filing.app, USCC, rows=(LATHE, WELDER))
    owner = await enterprise_headers(USCC)
    staff = await staff_headers(Role.CITY_CENTER)

    before = (await filing.get(CATALOG, headers=owner)).json()
    assert before["version"] == 1
    assert rows_of(before) == [
        ("6-18-01-01", "数控车工", [5, 4, 3]),
        ("6-18-02-04", None, [5, 4, 3, 2]),
    ]

    submitted = await filing.post(
        CHANGES,
        headers=owner,
        json=change(
            {"op": "add", "row": MILLER},
            {"op": "remove", "occupation_code": "6-18-02-04", "work_type": "--"},
            {
                "op": "change_levels",
                "occupation_code": "6-18-01-01",
                "work_type": "数控车工",
                "levels": "5、4、3、2",
            },
        ),
    )
    assert submitted.status_code == 201, submitted.text
    proposal = submitted.json()
    assert (proposal["status"], proposal["base_version"], proposal["proposed_version"]) == (
        "submitted",
        1,
        2,
    )
    change_id = proposal["change_id"]

    # Submitted is not effective: the current catalog is still version 1.
    assert (await filing.get(CATALOG, headers=owner)).json() == before

    accepted = await filing.post(f"{CHANGES}/{change_id}/accept", headers=staff)
    assert accepted.status_code == 200, accepted.text
    assert (accepted.json()["status"], accepted.json()["made_version"]) == ("accepted", 2)

    after = (await filing.get(CATALOG, headers=owner)).json()
    assert after["version"] == 2
    assert rows_of(after) == [
        ("6-18-01-01", "数控车工", [5, 4, 3, 2]),
        ("6-18-01-02", "数控铣工", [5, 4]),
    ]

    history = (await filing.get(f"{CATALOG}/history", headers=staff)).json()
    first, second = history["versions"]
    assert (first["version"], first["source"], first["change_id"]) == (1, "备案", None)
    assert first["receipt_number"].startswith("QDZP-")
    assert (second["version"], second["change_id"], second["source"]) == (2, change_id, "目录调整")
    assert second["submitted_by"] == USCC
    assert second["decided_by"] == "staff:city_center-user" and second["decided_at"]
    assert [op["op"] for op in second["operations"]] == ["add", "remove", "change_levels"]

    version_one = (await filing.get(f"{CATALOG}/versions/1", headers=owner)).json()
    assert rows_of(version_one) == rows_of(before)
    version_two = (await filing.get(f"{CATALOG}/versions/2", headers=owner)).json()
    assert rows_of(version_two) == rows_of(after)
    assert (await filing.get(f"{CATALOG}/versions/3", headers=owner)).status_code == 404

    records = await filing_events(filing_settings, has("catalog.changed.v1"))
    submitted_events = of_type(records, "catalog-change.submitted.v1")
    changed_events = of_type(records, "catalog.changed.v1")
    assert len(submitted_events) == len(changed_events) == 1
    assert {r.key for r in submitted_events + changed_events} == {USCC.encode()}
    proposed = submitted_events[0].json()["data"]
    assert (proposed["change_id"], proposed["base_version"]) == (change_id, 1)
    assert proposed["explanation"] == "新增数控铣床产线"
    changed = changed_events[0].json()
    assert changed["subject"] == f"{USCC}-1"  # the filing id
    assert (changed["data"]["catalog_version"], changed["data"]["change_id"]) == (2, change_id)
    # Level lists compare as sets: the envelope's serialize_as_any bypasses the shared LevelSet
    # serializer, so the wire order is not the catalog's 5、4、3 order.
    assert [
        (e["occupation_code"], e["work_type"], sorted(e["levels"], reverse=True))
        for e in changed["data"]["catalog"]
    ] == rows_of(after)
    assert proposed["proposed_catalog"] == changed["data"]["catalog"]


async def test_a_rejected_change_leaves_the_catalog_as_filed(
    filing, filing_settings, enterprise_headers, staff_headers
):
    await put_on_file(filing.app, USCC)
    owner = await enterprise_headers(USCC)
    staff = await staff_headers(Role.ADMIN)
    submitted = await filing.post(CHANGES, headers=owner, json=change({"op": "add", "row": MILLER}))
    change_id = submitted.json()["change_id"]

    no_reason = await filing.post(f"{CHANGES}/{change_id}/reject", headers=staff, json={})
    assert no_reason.status_code == 422
    rejected = await filing.post(
        f"{CHANGES}/{change_id}/reject",
        headers=staff,
        json={
            "reason": "新增职业缺少考评人员配置",
            "remarks": [{"item": "row:1", "text": "请补充铣工考评员名单"}],
        },
    )
    assert rejected.status_code == 200, rejected.text
    assert (rejected.json()["status"], rejected.json()["reason"]) == (
        "rejected",
        "新增职业缺少考评人员配置",
    )
    current = (await filing.get(CATALOG, headers=owner)).json()
    assert current["version"] == 1 and len(current["catalog"]["rows"]) == 2

    again = await filing.post(f"{CHANGES}/{change_id}/accept", headers=staff)
    assert again.status_code == 409
    assert "不能再次审核" in again.json()["detail"]
    assert (await filing.get(CATALOG, headers=owner)).json() == current

    records = await filing_events(filing_settings, has("catalog-change.rejected.v1"))
    (event,) = of_type(records, "catalog-change.rejected.v1")
    assert event.key == USCC.encode()
    assert event.json()["data"]["reason"] == "新增职业缺少考评人员配置"
    assert event.json()["data"]["remarks"] == [{"item": "row:1", "text": "请补充铣工考评员名单"}]
    assert not of_type(records, "catalog.changed.v1")


async def test_concurrent_accepts_are_serialized_into_consecutive_versions(
    filing, filing_settings, enterprise_headers, staff_headers
):
    await put_on_file(filing.app, USCC)
    owner = await enterprise_headers(USCC)
    staff = await staff_headers(Role.CITY_CENTER)
    ids = []
    for row in (MILLER, GRINDER):
        response = await filing.post(CHANGES, headers=owner, json=change({"op": "add", "row": row}))
        ids.append(response.json()["change_id"])
    pending = (await filing.get("/api/v1/catalog-changes", headers=staff)).json()["items"]
    assert {item["change_id"] for item in pending} == set(ids)

    responses = await asyncio.gather(
        *(filing.post(f"{CHANGES}/{change_id}/accept", headers=staff) for change_id in ids)
    )

    assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
    assert sorted(r.json()["made_version"] for r in responses) == [2, 3]
    current = (await filing.get(CATALOG, headers=owner)).json()
    assert current["version"] == 3
    assert {row[0] for row in rows_of(current)} == {
        "6-18-01-01",
        "6-18-02-04",
        "6-18-01-02",
        "6-18-01-03",
    }
    history = (await filing.get(f"{CATALOG}/history", headers=owner)).json()
    assert [v["version"] for v in history["versions"]] == [1, 2, 3]
    assert (await filing.get("/api/v1/catalog-changes", headers=staff)).json()["items"] == []

    records = await filing_events(filing_settings, has("catalog.changed.v1", 2))
    versions = sorted(
        r.json()["data"]["catalog_version"] for r in of_type(records, "catalog.changed.v1")
    )
    assert versions == [2, 3]


async def test_a_change_that_no_longer_fits_cannot_be_accepted(
    filing, enterprise_headers, staff_headers
):
    await put_on_file(filing.app, USCC)
    owner = await enterprise_headers(USCC)
    staff = await staff_headers(Role.CITY_CENTER)
    first, second = [
        (
            await filing.post(CHANGES, headers=owner, json=change({"op": "add", "row": MILLER}))
        ).json()
        for _ in range(2)
    ]
    assert (await filing.post(f"{CHANGES}/{first['change_id']}/accept", headers=staff)).is_success
    before = await snapshot(filing, owner)

    stale = await filing.post(f"{CHANGES}/{second['change_id']}/accept", headers=staff)

    assert stale.status_code == 422
    assert "不能重复增加" in stale.json()["detail"]
    assert await snapshot(filing, owner) == before


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        pytest.param(change({"op": "add", "row": LATHE}), "不能重复增加", id="duplicate-row"),
        pytest.param(
            change({"op": "remove", "occupation_code": "6-18-01-09"}), "不能删除", id="absent-row"
        ),
        pytest.param(
            change({"op": "add", "row": MILLER | {"occupation_code": "6-18-1-02"}}),
            "职业编码",
            id="bad-occupation-code",
        ),
        pytest.param(
            change(
                {"op": "change_levels", "occupation_code": "6-18-01-01", "work_type": "数控车工"}
                | {"levels": "5、4、3"}
            ),
            "无需调整",
            id="same-levels",
        ),
        pytest.param(
            change(
                {"op": "remove", "occupation_code": "6-18-01-01", "work_type": "数控车工"},
                {"op": "remove", "occupation_code": "6-18-02-04"},
            ),
            "至少应保留",
            id="empty-catalog",
        ),
        pytest.param(change(), "至少需要 1 项", id="no-operations"),
        pytest.param(change({"op": "rename"}), "所选类别不在可选范围内", id="unknown-operation"),
        # The explanation is held to the rules of the event that carries it.
        pytest.param(
            change({"op": "add", "row": MILLER}, explanation="新增铣工\u0007"),
            "控制字符",
            id="control-character-in-explanation",
        ),
        pytest.param(
            change({"op": "add", "row": MILLER}, explanation="新增铣工\ud800"),
            "无法识别的字符",
            id="lone-surrogate-in-explanation",
        ),
        pytest.param(
            change({"op": "add", "row": MILLER}, explanation="说" * 2001),
            "2000",
            id="explanation-too-long",
        ),
    ],
)
async def test_a_bad_change_is_a_problem_and_changes_nothing(
    filing, filing_settings, enterprise_headers, body, fragment
):
    await put_on_file(filing.app, USCC)
    owner = await enterprise_headers(USCC)
    before = await snapshot(filing, owner)

    # As JSON itself writes a lone surrogate: the escape "\ud800" (httpx would not encode it).
    raw = owner | {"content-type": "application/json"}
    response = await filing.post(CHANGES, headers=raw, content=json.dumps(body))

    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    messages = [problem.get("detail", "")] + [e["message"] for e in problem.get("errors", [])]
    assert any(fragment in message for message in messages), problem
    assert await snapshot(filing, owner) == before
    # The next good change is the first and only one published.
    good = await filing.post(CHANGES, headers=owner, json=change({"op": "add", "row": MILLER}))
    assert good.status_code == 201
    records = await filing_events(filing_settings, has("catalog-change.submitted.v1"))
    assert len(of_type(records, "catalog-change.submitted.v1")) == 1


@pytest.mark.parametrize(
    "state", [None, FilingState.SUBMITTED, FilingState.ON_NOTICE, FilingState.SUSPENDED]
)
async def test_only_a_filed_enterprise_may_change_its_catalog(filing, enterprise_headers, state):
    if state is not None:
        await put_on_file(filing.app, USCC, state=state)
    owner = await enterprise_headers(USCC)

    response = await filing.post(CHANGES, headers=owner, json=change({"op": "add", "row": MILLER}))

    assert response.status_code == 409, response.text
    assert response.json()["type"].endswith("/illegal-transition")
    assert (await filing.get(CHANGES, headers=owner)).json() == {"items": []}


async def test_a_change_of_a_suspended_enterprise_waits(filing, enterprise_headers, staff_headers):
    await put_on_file(filing.app, USCC)
    owner = await enterprise_headers(USCC)
    staff = await staff_headers(Role.CITY_CENTER)
    submitted = await filing.post(CHANGES, headers=owner, json=change({"op": "add", "row": MILLER}))
    await change_state(filing.app, USCC, FilingState.SUSPENDED)
    before = await snapshot(filing, owner)

    response = await filing.post(f"{CHANGES}/{submitted.json()['change_id']}/accept", headers=staff)

    assert response.status_code == 409
    assert "暂停评价" in response.json()["detail"]
    assert await snapshot(filing, owner) == before


async def test_enterprises_reach_only_their_own_catalog_and_staff_decide(
    filing, enterprise_headers, staff_headers
):
    await put_on_file(filing.app, USCC)
    await put_on_file(filing.app, OTHER_USCC, name="青岛另一家机械有限公司", sequence=2)
    who = await callers(enterprise_headers, staff_headers, USCC, OTHER_USCC)
    submitted = await filing.post(
        CHANGES, headers=who["owner"], json=change({"op": "add", "row": MILLER})
    )
    change_id = submitted.json()["change_id"]
    readers = denied_to({"owner", *STAFF})
    reviewers = denied_to({"city_center", "admin"})

    for path in (CATALOG, f"{CATALOG}/history", f"{CATALOG}/versions/1", CHANGES):
        await check_roles(filing, "GET", path, who, readers)
    await check_roles(filing, "GET", f"{CHANGES}/{change_id}", who, readers)
    await check_roles(
        filing,
        "POST",
        CHANGES,
        who,
        denied_to({"owner"}),
        json=change({"op": "add", "row": GRINDER}),
    )
    await check_roles(filing, "GET", "/api/v1/catalog-changes", who, denied_to(STAFF))
    await check_roles(
        filing, "POST", f"{CHANGES}/{change_id}/reject", who, reviewers, json={"reason": "不符合"}
    )
    await check_roles(filing, "POST", f"{CHANGES}/{change_id}/accept", who, reviewers)

    # The other enterprise's own catalog is untouched by all of this.
    other = await filing.get(f"/api/v1/enterprises/{OTHER_USCC}/catalog", headers=who["other"])
    assert other.json()["version"] == 1
