"""服务与监管 over HTTP against the real app, Kafka and database: reproducible “双随机、一公开”
draws with public results, credit records, and complaints from the public handled by staff."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import timedelta
from typing import Annotated, Any

import pytest
from pydantic import StringConstraints

from integration.filing.filed import (
    callers,
    check_roles,
    denied_to,
    filing_events,
    has,
    of_type,
    put_on_file,
)
from skilleval_filing.clock import today
from skilleval_filing.complaints import service as complaints
from skilleval_filing.filings.lifecycle import FilingState
from skilleval_filing.inspections.model import Assignment, draw, pool_digest
from skilleval_shared.auth import Role
from skilleval_shared.events.filing import ComplaintSubmitted
from support.filing_flows import replica
from support.filing_samples import (
    make_uscc,
)
from support.samples import OTHER_USCC, USCC

pytestmark = pytest.mark.integration

INSPECTIONS = "/api/v1/inspections"
PUBLIC_INSPECTIONS = "/api/v1/public/inspections"
COMPLAINTS = "/api/v1/complaints"
PUBLIC_COMPLAINTS = "/api/v1/public/complaints"
INSPECTORS = [{"inspector_id": f"QD-{n:03d}", "name": f"检查员{n}"} for n in range(1, 6)]
STAFF = {"city_center", "province_center", "admin"}


PUBLIC_VALUE = "2026第300期 03 17 22 25 29 31 + 09"  # a lottery result, say
ANNOUNCEMENTS = "/api/v1/inspection-announcements"
PUBLIC_ANNOUNCEMENTS = "/api/v1/public/inspection-announcements"
POOLS = "/api/v1/inspection-pools"


def announcement(settings, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": "2026年第四季度企业自主评价双随机抽查",
        "seed_source": "公告次日中国福利彩票双色球开奖号码（含期号）",
        "seed_date": (today(settings) + timedelta(days=1)).isoformat(),
        "enterprise_count": 3,
        "inspectors_per_enterprise": 2,
    }
    return fields | overrides


def recompute(pools: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """The documented recipe, written out independently of the service's code."""
    seed = pools["seed"].encode("utf-8")
    rng = random.Random(int.from_bytes(hashlib.sha256(seed).digest(), "big"))
    enterprises = sorted(pools["enterprise_pool"])
    inspectors = sorted(i["inspector_id"] for i in pools["inspector_pool"])
    drawn = rng.sample(enterprises, pools["enterprise_count"])
    return [(e, rng.sample(inspectors, pools["inspectors_per_enterprise"])) for e in drawn]


def assignments(view: dict[str, Any]) -> list[tuple[str, list[str]]]:
    return [
        (item["uscc"], [i["inspector_id"] for i in item["inspectors"]]) for item in view["items"]
    ]


async def file_enterprises(app, count: int) -> list[str]:
    usccs = [make_uscc(n) for n in range(1, count + 1)]
    for n, uscc in enumerate(usccs, start=1):
        await put_on_file(app, uscc, name=f"青岛抽查示例{n}号有限公司", sequence=n)
    return usccs


async def fill_pools(filing, staff, usccs, inspectors=INSPECTORS) -> None:
    for uscc in usccs:
        added = await filing.post(f"{POOLS}/enterprise", headers=staff, json={"uscc": uscc})
        assert added.status_code == 201, added.text
    for inspector in inspectors:
        added = await filing.post(f"{POOLS}/inspector", headers=staff, json=inspector)
        assert added.status_code == 201, added.text


async def announced_and_drawn(filing, filing_settings, staff, **overrides):
    """An announcement, then its one draw on the seed's date (a replica living on that day)."""
    response = await filing.post(
        ANNOUNCEMENTS, headers=staff, json=announcement(filing_settings, **overrides)
    )
    assert response.status_code == 201, response.text
    inspection_id = response.json()["inspection_id"]
    seed_day = today(filing_settings) + timedelta(days=1)
    async with replica(filing_settings, today_override=seed_day) as later:
        drawn = await later.post(
            f"{ANNOUNCEMENTS}/{inspection_id}/draw",
            headers=staff,
            json={"public_value": PUBLIC_VALUE},
        )
    assert drawn.status_code == 201, drawn.text
    return response.json(), drawn.json()


async def test_pools_are_kept_by_staff_and_only_filed_enterprises_enter(
    filing, staff_headers, enterprise_headers
):
    filed = await file_enterprises(filing.app, 2)
    await put_on_file(filing.app, make_uscc(90), state=FilingState.SUSPENDED, sequence=90)
    staff = await staff_headers(Role.CITY_CENTER)
    await fill_pools(filing, staff, filed, INSPECTORS[:2])

    listed = (await filing.get(f"{POOLS}/enterprise", headers=staff)).json()["items"]
    assert [(m["member_id"], m["name"]) for m in listed] == [
        (filed[0], "青岛抽查示例1号有限公司"),
        (filed[1], "青岛抽查示例2号有限公司"),
    ]
    again = await filing.post(f"{POOLS}/enterprise", headers=staff, json={"uscc": filed[0]})
    assert again.status_code == 409 and "已在检查对象名录库中" in again.json()["detail"]
    suspended = await filing.post(
        f"{POOLS}/enterprise", headers=staff, json={"uscc": make_uscc(90)}
    )
    assert suspended.status_code == 409 and "不是已备案" in suspended.json()["detail"]
    removed = await filing.delete(f"{POOLS}/enterprise/{filed[0]}", headers=staff)
    assert removed.status_code == 204
    assert (await filing.delete(f"{POOLS}/enterprise/{filed[0]}", headers=staff)).status_code == 404
    listed = (await filing.get(f"{POOLS}/enterprise", headers=staff)).json()["items"]
    assert [m["member_id"] for m in listed] == [filed[1]]
    inspectors = (await filing.get(f"{POOLS}/inspector", headers=staff)).json()["items"]
    assert [m["member_id"] for m in inspectors] == ["QD-001", "QD-002"]

    enterprise = await enterprise_headers(filed[1])
    for method, path in [
        ("GET", f"{POOLS}/enterprise"),
        ("POST", f"{POOLS}/inspector"),
        ("DELETE", f"{POOLS}/inspector/QD-001"),
    ]:
        denied = await filing.request(method, path, headers=enterprise, json=INSPECTORS[4])
        assert denied.status_code == 403, (method, path)
    province = await staff_headers(Role.PROVINCE_CENTER)
    assert (
        await filing.post(f"{POOLS}/inspector", headers=province, json=INSPECTORS[4])
    ).status_code == 403


async def test_a_draw_is_announced_first_made_once_and_reproducible_and_results_are_public(
    filing, filing_settings, staff_headers
):
    filed = await file_enterprises(filing.app, 6)
    staff = await staff_headers(Role.CITY_CENTER)
    await fill_pools(filing, staff, filed)

    too_early = await filing.post(
        ANNOUNCEMENTS,
        headers=staff,
        json=announcement(filing_settings, seed_date=today(filing_settings).isoformat()),
    )
    assert too_early.status_code == 422 and "应晚于公告日期" in too_early.json()["detail"]
    announced, drawn = await announced_and_drawn(filing, filing_settings, staff)
    inspection_id = announced["inspection_id"]
    assert (announced["drawn"], announced["seed"], announced["assignments"]) == (False, None, [])
    assert [e["uscc"] for e in announced["enterprise_pool"]] == sorted(filed)
    assert (drawn["status"], drawn["seed"], drawn["enterprise_pool_size"]) == (
        "drawn",
        PUBLIC_VALUE,
        6,
    )
    assert all(len(item["inspectors"]) == 2 for item in drawn["items"])
    # No second draw for the same announcement, whatever value is given, on any day.
    later_day = today(filing_settings) + timedelta(days=2)
    async with replica(filing_settings, today_override=later_day) as later:
        for value in (PUBLIC_VALUE, "another value"):
            again = await later.post(
                f"{ANNOUNCEMENTS}/{inspection_id}/draw", headers=staff, json={"public_value": value}
            )
            assert again.status_code == 409, again.text
            assert "不能重新抽取" in again.json()["detail"]
    # Before the seed's date nobody may draw: the value is not public yet.
    second, _ = (
        (
            await filing.post(ANNOUNCEMENTS, headers=staff, json=announcement(filing_settings))
        ).json(),
        None,
    )
    early = await filing.post(
        f"{ANNOUNCEMENTS}/{second['inspection_id']}/draw",
        headers=staff,
        json={"public_value": PUBLIC_VALUE},
    )
    assert early.status_code == 409 and "届时方可抽取" in early.json()["detail"]

    # 一公开: the announcement and its draw, for anyone, recomputable from what is published.
    public = (await filing.get(f"{PUBLIC_ANNOUNCEMENTS}/{inspection_id}")).json()
    assert (public["drawn"], public["seed"]) == (True, PUBLIC_VALUE)
    recipe = {
        "seed": public["seed"],
        "enterprise_pool": [e["uscc"] for e in public["enterprise_pool"]],
        "inspector_pool": public["inspector_pool"],
        "enterprise_count": public["enterprise_count"],
        "inspectors_per_enterprise": public["inspectors_per_enterprise"],
    }
    assert recompute(recipe) == assignments({"items": public["assignments"]}) == assignments(drawn)
    ids = [i["inspector_id"] for i in INSPECTORS]
    assert public["pool_sha256"] == pool_digest(filed, ids) == drawn["pool_sha256"]
    listed = (await filing.get(PUBLIC_ANNOUNCEMENTS)).json()["items"]
    assert {item["inspection_id"]: item["drawn"] for item in listed} == {
        inspection_id: True,
        second["inspection_id"]: False,
    }
    pools = (await filing.get(f"{INSPECTIONS}/{inspection_id}/pools", headers=staff)).json()
    assert assignments(drawn) == recompute(pools)
    assert draw(PUBLIC_VALUE, list(reversed(filed)), ids, 3, 2).assignments == tuple(
        Assignment(enterprise=e, inspectors=tuple(i)) for e, i in assignments(drawn)
    )

    assert (await filing.get(f"{PUBLIC_INSPECTIONS}/{inspection_id}")).status_code == 404
    early = await filing.post(f"{INSPECTIONS}/{inspection_id}/publish", headers=staff)
    assert early.status_code == 409 and "3家企业未录入" in early.json()["detail"]
    on = (today(filing_settings) + timedelta(days=1)).isoformat()
    outcomes = ["compliant", "rectification_required", "non_compliant"]
    async with replica(filing_settings, today_override=later_day) as later:
        for item, outcome in zip(drawn["items"], outcomes, strict=True):
            result = {
                "uscc": item["uscc"],
                "inspected_on": on,
                "outcome": outcome,
                "findings": "见记录",
            }
            recorded = await later.post(
                f"{INSPECTIONS}/{inspection_id}/results", headers=staff, json=result
            )
            assert recorded.status_code == 200, recorded.text
        published = await later.post(f"{INSPECTIONS}/{inspection_id}/publish", headers=staff)

    assert published.status_code == 200, published.text
    public_result = await filing.get(f"{PUBLIC_INSPECTIONS}/{inspection_id}")
    assert public_result.status_code == 200 and public_result.json() == published.json()
    assert [item["result"]["outcome"] for item in public_result.json()["items"]] == outcomes
    assert public_result.json()["items"][1]["result"]["outcome_label"] == "责令整改"
    public_pools = (await filing.get(f"{PUBLIC_INSPECTIONS}/{inspection_id}/pools")).json()
    assert public_pools == pools

    records = await filing_events(filing_settings, has("inspection.published.v1", 3))
    (announced_event,) = [
        r
        for r in of_type(records, "inspection-announcement.announced.v1")
        if r.json()["data"]["inspection_id"] == inspection_id
    ]
    assert announced_event.key == inspection_id.encode()
    assert announced_event.json()["data"]["pool_sha256"] == public["pool_sha256"]
    (drawn_event,) = of_type(records, "inspection.drawn.v1")
    assert drawn_event.key == inspection_id.encode()
    data = drawn_event.json()["data"]
    assert (data["seed"], data["pool_size"], data["inspector_pool_size"]) == (PUBLIC_VALUE, 6, 5)
    assert [(d["uscc"], [i["inspector_id"] for i in d["inspectors"]]) for d in data["drawn"]] == (
        assignments(drawn)
    )
    published_events = of_type(records, "inspection.published.v1")
    assert {r.key.decode(): r.json()["data"]["outcome"] for r in published_events} == {
        item["uscc"]: outcome for item, outcome in zip(drawn["items"], outcomes, strict=True)
    }


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        pytest.param({"enterprise_count": 5}, "只有4个，不足以抽取5个", id="pool-too-small"),
        pytest.param({"enterprise_count": 0}, "抽取企业数应为1至100", id="no-enterprises"),
        pytest.param({"inspectors_per_enterprise": 1}, "应为2至3", id="one-inspector"),
        pytest.param({"inspectors_per_enterprise": 4}, "应为2至3", id="too-many-per-enterprise"),
        pytest.param({"seed_date": "2020-01-01"}, "应晚于公告日期", id="seed-already-known"),
        pytest.param({"seed_source": ""}, "不能为空", id="no-seed-source"),
    ],
)
async def test_an_announcement_that_cannot_be_drawn_fairly_is_refused_and_stores_nothing(
    filing, filing_settings, staff_headers, overrides, fragment
):
    await fill_pools(filing, await staff_headers(Role.ADMIN), await file_enterprises(filing.app, 4))
    staff = await staff_headers(Role.ADMIN)

    response = await filing.post(
        ANNOUNCEMENTS, headers=staff, json=announcement(filing_settings, **overrides)
    )

    assert response.status_code == 422, response.text
    problem = response.json()
    messages = [problem.get("detail", "")] + [e["message"] for e in problem.get("errors", [])]
    assert any(fragment in message for message in messages), problem
    assert (await filing.get(PUBLIC_ANNOUNCEMENTS)).json() == {"items": []}
    assert await filing.app.state.filing.runtime.db["inspection_pools"].count_documents({}) == 0


async def test_results_only_for_drawn_enterprises_once_each(filing, filing_settings, staff_headers):
    filed = await file_enterprises(filing.app, 4)
    staff = await staff_headers(Role.CITY_CENTER)
    await fill_pools(filing, staff, filed)
    _, drawn = await announced_and_drawn(filing, filing_settings, staff, enterprise_count=2)
    results = f"{INSPECTIONS}/{drawn['inspection_id']}/results"
    chosen = drawn["items"][0]["uscc"]
    outsider = next(uscc for uscc in filed if uscc not in {i["uscc"] for i in drawn["items"]})
    on = today(filing_settings).isoformat()
    async with replica(
        filing_settings, today_override=today(filing_settings) + timedelta(days=1)
    ) as later:
        result = {
            "uscc": chosen,
            "inspected_on": (today(filing_settings) + timedelta(days=1)).isoformat(),
            "outcome": "compliant",
            "findings": "台账齐全",
        }
        assert (await later.post(results, headers=staff, json=result)).status_code == 200
        before = (await later.get(f"{INSPECTIONS}/{drawn['inspection_id']}", headers=staff)).json()

        for bad, fragment in [
            (result, "已经录入"),
            (result | {"uscc": outsider}, "不在本次抽取的检查对象中"),
            (result | {"uscc": drawn["items"][1]["uscc"], "inspected_on": on}, "检查日期"),
            (result | {"uscc": "91350100M000100Y44"}, "校验位"),
            (result | {"outcome": "excellent"}, "取值应为以下之一"),
        ]:
            response = await later.post(results, headers=staff, json=bad)
            assert response.status_code == 422, response.text
            problem = response.json()
            messages = [problem.get("detail", "")] + [
                e["message"] for e in problem.get("errors", [])
            ]
            assert any(fragment in message for message in messages), problem

        after = (await later.get(f"{INSPECTIONS}/{drawn['inspection_id']}", headers=staff)).json()
    assert after == before


async def test_credit_records_are_written_by_staff_and_read_by_the_enterprise(
    filing, filing_settings, enterprise_headers, staff_headers
):
    await put_on_file(filing.app, USCC)
    await put_on_file(filing.app, OTHER_USCC, sequence=2)
    who = await callers(enterprise_headers, staff_headers, USCC, OTHER_USCC)
    records_path = f"/api/v1/enterprises/{USCC}/credit-records"
    entry = {"kind": "warning", "description": "抽查发现考评记录不完整", "reference_id": "INS-1"}

    created = await filing.post(records_path, headers=who["city_center"], json=entry)

    assert created.status_code == 201, created.text
    assert created.json()["kind_label"] == "警示"
    assert created.json()["recorded_by"] == "staff:city_center-user"
    own = await filing.get(records_path, headers=who["owner"])
    assert [item["record_id"] for item in own.json()["items"]] == [created.json()["record_id"]]
    before = own.json()
    for bad in ({"kind": "praise", "description": "x"}, {"kind": "warning", "description": " "}):
        assert (await filing.post(records_path, headers=who["admin"], json=bad)).status_code == 422
    unknown = await filing.post(
        f"/api/v1/enterprises/{make_uscc(77)}/credit-records", headers=who["admin"], json=entry
    )
    assert unknown.status_code == 404
    assert (await filing.get(records_path, headers=who["owner"])).json() == before
    await check_roles(filing, "GET", records_path, who, denied_to({"owner", *STAFF}))
    await check_roles(
        filing, "POST", records_path, who, denied_to({"city_center", "admin"}), json=entry
    )

    events = await filing_events(filing_settings, has("credit.recorded.v1", 3))
    recorded = of_type(events, "credit.recorded.v1")
    assert {r.key for r in recorded} == {USCC.encode()}
    assert recorded[0].json()["data"]["reference_id"] == "INS-1"


async def test_a_public_complaint_is_handled_by_staff_without_exposing_the_complainant(
    filing, filing_settings, staff_headers
):
    staff = await staff_headers(Role.CITY_CENTER)
    complaint = {
        "kind": "report",
        "submitter_name": "张三",
        "contact_phone": "13912345678",
        "contact_email": "zhangsan@example.com",
        "target_uscc": USCC,
        "certificate_number": "Y000037000123261000001",
        "text": "该企业未经考核即发放职业技能等级证书。",
    }

    submitted = await filing.post(PUBLIC_COMPLAINTS, json=complaint)

    assert submitted.status_code == 201, submitted.text
    complaint_id = submitted.json()["complaint_id"]
    progress = await filing.get(f"{PUBLIC_COMPLAINTS}/{complaint_id}")
    for public in (submitted, progress):
        text = public.text
        assert "13912345678" not in text and "zhangsan" not in text and "张三" not in text
    assert progress.json()["status"] == "received"
    listed = (await filing.get(COMPLAINTS, headers=staff)).json()["items"]
    assert [(c["complaint_id"], c["contact_phone"]) for c in listed] == [
        (complaint_id, "13912345678")
    ]

    early = await filing.post(
        f"{COMPLAINTS}/{complaint_id}/resolve",
        headers=staff,
        json={"outcome": "substantiated", "resolution": "已责令整改"},
    )
    assert early.status_code == 409
    handling = await filing.post(f"{COMPLAINTS}/{complaint_id}/handle", headers=staff)
    assert handling.json()["status"] == "handling"
    resolved = await filing.post(
        f"{COMPLAINTS}/{complaint_id}/resolve",
        headers=staff,
        json={"outcome": "substantiated", "resolution": "经核实情况属实，已责令整改并记入信用档案"},
    )
    assert resolved.status_code == 200, resolved.text
    final = (await filing.get(f"{PUBLIC_COMPLAINTS}/{complaint_id}")).json()
    assert (final["status"], final["outcome"]) == ("resolved", "substantiated")
    # What a person reads is Chinese; the codes stay for programs.
    assert (final["status_label"], final["kind_label"], final["outcome_label"]) == (
        "已办结",
        "举报",
        "属实",
    )
    assert "13912345678" not in str(final) and "张三" not in str(final)
    by_status = await filing.get(COMPLAINTS, headers=staff, params={"status": "received"})
    assert by_status.json()["items"] == []

    records = await filing_events(filing_settings, has("complaint.resolved.v1"))
    (received,) = of_type(records, "complaint.submitted.v1")
    (closed,) = of_type(records, "complaint.resolved.v1")
    assert received.key == closed.key == USCC.encode()
    assert received.json()["data"]["kind"] == "report"
    assert "13912345678" not in received.value.decode()  # only an email may travel, to reply
    assert closed.json()["data"]["resolved_by"] == "staff:city_center-user"


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        pytest.param({"contact_phone": None, "contact_email": None}, "至少留下", id="no-contact"),
        pytest.param({"target_uscc": "91350100M000100Y44"}, "校验位", id="bad-uscc"),
        pytest.param({"certificate_number": "X123"}, "证书编号", id="bad-certificate"),
        pytest.param({"contact_phone": "12345"}, "电话", id="bad-phone"),
        pytest.param({"text": ""}, "不能为空", id="no-text"),
        pytest.param({"status": "resolved"}, "不允许的字段", id="extra-field"),
        pytest.param({"text": "\ud800"}, "无法识别的字符", id="text-only-a-lone-surrogate"),
        pytest.param({"text": "乱收费\udc00"}, "无法识别的字符", id="text-with-a-lone-surrogate"),
        pytest.param({"submitter_name": "赵\ud83d"}, "无法识别的字符", id="name-half-an-emoji"),
    ],
)
async def test_a_bad_complaint_is_refused_and_stores_nothing(
    filing, filing_settings, staff_headers, overrides, fragment
):
    staff = await staff_headers(Role.CITY_CENTER)
    complaint = {"contact_phone": "13912345678", "target_uscc": USCC, "text": "乱收费"}

    # As JSON itself writes a lone surrogate: the escape "\ud800" (httpx would not encode it).
    response = await filing.post(
        PUBLIC_COMPLAINTS,
        content=json.dumps(complaint | overrides),
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 422, response.text
    problem = response.json()
    messages = [problem.get("detail", "")] + [e["message"] for e in problem.get("errors", [])]
    assert any(fragment in message for message in messages), problem
    assert (await filing.get(COMPLAINTS, headers=staff)).json() == {"items": []}
    assert (await filing.post(PUBLIC_COMPLAINTS, json=complaint)).status_code == 201
    records = await filing_events(filing_settings, has("complaint.submitted.v1"))
    assert len(of_type(records, "complaint.submitted.v1")) == 1


class _StricterComplaintSubmitted(ComplaintSubmitted):
    """A shared schema stricter than the form: text the form takes, the event refuses."""

    text: Annotated[str, StringConstraints(max_length=2)]  # type: ignore[assignment]


async def test_a_complaint_its_event_refuses_is_422_and_stores_nothing(
    filing, filing_settings, staff_headers, monkeypatch
):
    staff = await staff_headers(Role.CITY_CENTER)
    complaint = {"contact_phone": "13912345678", "target_uscc": USCC, "text": "乱收费"}

    with monkeypatch.context() as patched:
        patched.setattr(complaints, "ComplaintSubmitted", _StricterComplaintSubmitted)
        response = await filing.post(PUBLIC_COMPLAINTS, json=complaint)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["title"] == "请求数据不合法"
    assert problem["detail"] == "提交的内容不符合要求，请修改后重试"
    assert problem["errors"] == [{"field": "text", "message": "长度不能超过 2 个字符"}]
    assert (await filing.get(COMPLAINTS, headers=staff)).json() == {"items": []}
    assert (await filing.post(PUBLIC_COMPLAINTS, json=complaint)).status_code == 201
    records = await filing_events(filing_settings, has("complaint.submitted.v1"))
    assert len(of_type(records, "complaint.submitted.v1")) == 1


async def test_public_complaints_are_rate_limited(filing):
    filing.app.state.filing.public_writes.per_minute = 2
    complaint = {"contact_email": "a@example.com", "target_uscc": USCC, "text": "乱收费"}

    statuses = [
        (await filing.post(PUBLIC_COMPLAINTS, json=complaint)).status_code for _ in range(3)
    ]

    assert statuses == [201, 201, 429]


async def test_the_public_reaches_no_staff_action(
    filing, filing_settings, enterprise_headers, staff_headers
):
    filed = await file_enterprises(filing.app, 2)
    who = await callers(enterprise_headers, staff_headers, USCC, OTHER_USCC)
    complaint = {"contact_phone": "13912345678", "target_uscc": USCC, "text": "乱收费"}
    complaint_id = (await filing.post(PUBLIC_COMPLAINTS, json=complaint)).json()["complaint_id"]
    await fill_pools(filing, who["admin"], filed)
    announced, drawn_view = await announced_and_drawn(
        filing, filing_settings, who["admin"], enterprise_count=1
    )
    inspection = f"{INSPECTIONS}/{drawn_view['inspection_id']}"
    announce_path = f"{ANNOUNCEMENTS}/{announced['inspection_id']}"
    readers = denied_to(STAFF)
    deciders = denied_to({"city_center", "admin"})
    result = {
        "uscc": drawn_view["items"][0]["uscc"],
        "inspected_on": today(filing_settings).isoformat(),
        "outcome": "compliant",
        "findings": "未发现问题",
    }

    await check_roles(
        filing,
        "POST",
        ANNOUNCEMENTS,
        who,
        deciders,
        json=announcement(filing_settings, enterprise_count=1),
    )
    await check_roles(
        filing, "POST", f"{announce_path}/draw", who, deciders, json={"public_value": "1"}
    )
    for kind in ("enterprise", "inspector"):
        await check_roles(filing, "GET", f"{POOLS}/{kind}", who, readers)
        await check_roles(filing, "DELETE", f"{POOLS}/{kind}/QD-999", who, deciders)
    await check_roles(filing, "POST", f"{POOLS}/inspector", who, deciders, json=INSPECTORS[0])
    await check_roles(filing, "POST", f"{POOLS}/enterprise", who, deciders, json={"uscc": USCC})
    for path in (INSPECTIONS, inspection, f"{inspection}/pools", COMPLAINTS):
        await check_roles(filing, "GET", path, who, readers)
    await check_roles(filing, "GET", f"{COMPLAINTS}/{complaint_id}", who, readers)
    await check_roles(filing, "POST", f"{inspection}/results", who, deciders, json=result)
    await check_roles(filing, "POST", f"{inspection}/publish", who, deciders)
    await check_roles(filing, "POST", f"{COMPLAINTS}/{complaint_id}/handle", who, deciders)
    await check_roles(
        filing,
        "POST",
        f"{COMPLAINTS}/{complaint_id}/resolve",
        who,
        deciders,
        json={"outcome": "unsubstantiated", "resolution": "经核实不属实"},
    )
    # The public endpoints need no login at all.
    for path in (
        PUBLIC_INSPECTIONS,
        PUBLIC_ANNOUNCEMENTS,
        f"{PUBLIC_ANNOUNCEMENTS}/{announced['inspection_id']}",
        f"{PUBLIC_COMPLAINTS}/{complaint_id}",
    ):
        assert (await filing.get(path)).status_code == 200
