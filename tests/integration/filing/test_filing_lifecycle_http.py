"""The whole filing lifecycle over HTTP against real Kafka and the real database, with the events
each transition publishes on ``filing.events.v1``."""

from __future__ import annotations

import pytest

from skilleval_filing.filings.materials import MaterialKind
from skilleval_shared.auth import Role
from support.filing_flows import (
    accept,
    after_notice,
    expected_notice,
    has,
    kind_of,
    object_to,
    of_filing,
    published,
    replica,
    submitted,
    view,
)
from support.filing_samples import (
    EMAIL,
    ENTERPRISE_NAME,
    PHONES,
)
from support.filing_samples import (
    application_json as application,
)
from support.kafka import eventually
from support.samples import USCC

pytestmark = pytest.mark.integration

REMARKS = [
    {"item": "material:4", "text": "破格申报条件未写明工作年限要求"},
    {"item": "field:business_scope", "text": "业务范围与营业执照不一致"},
]


async def test_return_resubmit_notice_dismissed_objection_and_automatic_filing(
    filing, filing_settings, staff_headers, enterprise_headers
):
    enterprise = await enterprise_headers(USCC)
    staff = await staff_headers(Role.CITY_CENTER)
    filing_id = await submitted(filing, enterprise, USCC)
    assert filing_id == f"{USCC}-1"

    returned = await filing.post(
        f"/api/v1/filings/{filing_id}/return", headers=staff, json={"remarks": REMARKS}
    )
    assert returned.status_code == 200, returned.text
    own = await view(filing, enterprise, filing_id)
    assert own["status"] == "returned" and own["status_label"] == "退回修改"
    assert own["return_remarks"] == REMARKS
    assert set(own["allowed_actions"]) == {"edit", "resubmit"}

    scope = "数控机床及零部件的研发、制造、销售与技术服务"
    edited = await filing.put(
        f"/api/v1/filings/{filing_id}/application",
        headers=enterprise,
        json=application(USCC, business_scope=scope),
    )
    assert edited.status_code == 200, edited.text
    resubmitted = await filing.post(f"/api/v1/filings/{filing_id}/resubmit", headers=enterprise)
    assert resubmitted.status_code == 200, resubmitted.text
    assert resubmitted.json()["status"] == "submitted"

    window = expected_notice(filing_settings)
    accepted = await accept(filing, staff, filing_id)
    assert accepted["notice"]["starts_on"] == window.starts_on.isoformat()
    assert accepted["notice"]["ends_on"] == window.ends_on.isoformat()
    assert accepted["return_remarks"] == []

    notices = await filing.get("/api/v1/public/notices")
    assert notices.status_code == 200
    [notice] = notices.json()["items"]
    assert notice["filing_id"] == filing_id and notice["uscc"] == USCC
    assert notice["enterprise_name"] == ENTERPRISE_NAME
    assert notice["notice"]["ends_on"] == window.ends_on.isoformat()
    assert notice["accepting_objections"] is True
    assert [row["occupation_code"] for row in notice["catalog"]] == ["6-18-01-01", "6-18-02-04"]
    assert notice["catalog"][0]["levels"] == "5、4、3" and notice["catalog"][1]["work_type"] == "--"
    assert not any(private in notices.text for private in (EMAIL, *PHONES))

    raised = await object_to(filing, filing_id)
    assert raised.status_code == 201, raised.text
    objection_id = raised.json()["objection_id"]
    own = await view(filing, enterprise, filing_id)
    assert [o["objection_id"] for o in own["objections"]] == [objection_id]
    assert "objector_name" not in own["objections"][0]  # the enterprise never learns who
    assert "contact_email" not in own["objections"][0]
    assert (await view(filing, staff, filing_id))["objections"][0]["objector_name"] == "赵六"

    dismissed = await filing.post(
        f"/api/v1/filings/{filing_id}/objections/{objection_id}/resolve",
        headers=staff,
        json={"outcome": "dismissed", "reason": "经核实，考评人员配置符合要求"},
    )
    assert dismissed.status_code == 200, dismissed.text
    assert dismissed.json()["status"] == "on_notice"  # the notice period is still running

    # A replica whose calendar is past the notice period ends it on its own.
    async with replica(filing_settings, today_override=after_notice(filing_settings)):
        filed = await eventually(
            lambda: _status_is(filing, enterprise, filing_id, "filed"), timeout=20
        )
    receipt = filed["receipt"]
    assert receipt["number"].startswith(f"QDZP-{after_notice(filing_settings).year}-")
    assert receipt["issued_on"] == after_notice(filing_settings).isoformat()
    # The serial comes from the province and is recorded later: none yet, and no prefix.
    assert receipt["institution_serial"] is None
    assert receipt["certificate_number_prefix"] is None
    assert filed["institution_serial_pending"] is True
    assert filed["institution_serial_note"].startswith("机构序号待省中心分配")
    assert (await filing.get("/api/v1/public/notices")).json()["items"] == []

    records = of_filing(await published(filing_settings, has("filing.filed", filing_id)), filing_id)
    assert [kind_of(r) for r in records] == [
        "filing.submitted",
        "filing.returned",
        "filing.resubmitted",
        "filing.conditions-reviewed",
        "filing.accepted",
        "notice.started",
        "objection.raised",
        "objection.dismissed",
        "notice.closed",
        "filing.filed",
    ]
    assert {r.key for r in records} == {USCC.encode()}
    data = {kind_of(r): r.json()["data"] for r in records}
    first = data["filing.submitted"]
    assert first["application"]["enterprise_name"] == ENTERPRISE_NAME
    assert [m["item"] for m in first["materials"]] == list(range(1, 11))
    own = await view(filing, enterprise, filing_id)
    stored_digests = {m["item"]: m["file"]["sha256"] for m in own["materials"]}
    assert {m["item"]: m["sha256"] for m in first["materials"]} == stored_digests
    assert data["filing.resubmitted"]["application"]["business_scope"] == scope
    assert data["filing.returned"]["remarks"] == REMARKS
    assert data["filing.returned"]["decided_by"] == "staff:city_center-user"
    assert data["notice.started"]["ends_on"] == window.ends_on.isoformat()
    assert data["notice.started"]["enterprise_name"] == ENTERPRISE_NAME
    assert data["objection.raised"]["objection_id"] == objection_id
    assert "赵六" not in records[5].value.decode()  # the objector's name stays with the centre
    assert data["notice.closed"] == data["notice.closed"] | {
        "objection_count": 1,
        "upheld_count": 0,
    }
    assert [f["met"] for f in data["filing.conditions-reviewed"]["findings"]] == [True] * 6
    filed_event = data["filing.filed"]
    assert filed_event["receipt_number"] == receipt["number"]
    assert filed_event.get("institution_serial") is None  # recorded later by staff
    assert filed_event["enterprise_short_name"] == "示例机械"
    assert [set(row["levels"]) for row in filed_event["catalog"]] == [{5, 4, 3}, {5, 4, 3, 2}]


async def _status_is(client, headers, filing_id, status):
    current = await view(client, headers, filing_id)
    return current if current["status"] == status else None


async def test_an_upheld_objection_rejects_the_filing_and_the_enterprise_files_again(
    filing, filing_settings, staff_headers, enterprise_headers
):
    enterprise = await enterprise_headers(USCC)
    staff = await staff_headers(Role.ADMIN)
    filing_id = await submitted(filing, enterprise, USCC)
    await accept(filing, staff, filing_id)
    objection_id = (await object_to(filing, filing_id, "该企业伪造考评员资格证书")).json()[
        "objection_id"
    ]

    upheld = await filing.post(
        f"/api/v1/filings/{filing_id}/objections/{objection_id}/resolve",
        headers=staff,
        json={"outcome": "upheld", "reason": "经核实，两名考评员证书系伪造"},
    )
    assert upheld.status_code == 200, upheld.text
    assert upheld.json()["status"] == "rejected"
    assert "两名考评员证书系伪造" in upheld.json()["status_reason"]
    again = await object_to(filing, filing_id)
    # No notice any more: to the public, as if there were no filing at all.
    assert again.status_code == 404
    assert again.json()["detail"] == "备案申请不存在"

    records = of_filing(
        await published(filing_settings, has("filing.rejected", filing_id)), filing_id
    )
    assert [kind_of(r) for r in records][-3:] == [
        "objection.upheld",
        "notice.closed",
        "filing.rejected",
    ]
    rejected = records[-1].json()["data"]
    assert rejected["upheld_objection_ids"] == [objection_id]
    assert rejected["decided_by"] == "staff:admin-user"
    assert records[-2].json()["data"]["upheld_count"] == 1

    second = await filing.post("/api/v1/filings", headers=enterprise)
    assert second.status_code == 201, second.text
    assert second.json()["filing_id"] == f"{USCC}-2" and second.json()["status"] == "draft"
    current = await filing.get("/api/v1/filings/current", headers=enterprise)
    assert current.json()["filing_id"] == f"{USCC}-2"
    assert (await view(filing, enterprise, filing_id))["status"] == "rejected"


async def test_dismissing_the_last_objection_after_the_period_files_at_once(
    filing, filing_settings, staff_headers, enterprise_headers
):
    enterprise = await enterprise_headers(USCC)
    staff = await staff_headers(Role.CITY_CENTER)
    filing_id = await submitted(filing, enterprise, USCC)
    await accept(filing, staff, filing_id)
    objection_id = (await object_to(filing, filing_id)).json()["objection_id"]

    later = after_notice(filing_settings)
    # Its scheduler would only look again in an hour: filing now is the dismissal's doing.
    async with replica(filing_settings, today_override=later, notice_check_seconds=3600) as late:
        staff_late = {"Authorization": staff["Authorization"]}
        too_late = await object_to(late, filing_id, "公示期已过的异议")
        assert too_late.status_code == 409, too_late.text
        assert "公示期" in too_late.json()["detail"]
        assert (await view(late, staff_late, filing_id))["status"] == "on_notice"

        dismissed = await late.post(
            f"/api/v1/filings/{filing_id}/objections/{objection_id}/resolve",
            headers=staff_late,
            json={"outcome": "dismissed", "reason": "反映问题不属实"},
        )
        assert dismissed.status_code == 200, dismissed.text
        assert dismissed.json()["status"] == "filed"
        assert dismissed.json()["receipt"]["issued_on"] == later.isoformat()
        objections = dismissed.json()["objections"]
        assert [o["status"] for o in objections] == ["dismissed"]  # the late one was not kept


async def test_suspension_reinstatement_and_revocation(
    filing, filing_settings, staff_headers, enterprise_headers
):
    enterprise = await enterprise_headers(USCC)
    staff = await staff_headers(Role.CITY_CENTER)
    filing_id = await submitted(filing, enterprise, USCC)
    await accept(filing, staff, filing_id)
    async with replica(filing_settings, today_override=after_notice(filing_settings)):
        await eventually(lambda: _status_is(filing, staff, filing_id, "filed"), timeout=20)

    base = f"/api/v1/filings/{filing_id}"
    suspended = await filing.post(
        f"{base}/suspend",
        headers=staff,
        json={"reason": "考评人员资质不符合要求，限期整改", "until": "2027-01-31"},
    )
    assert suspended.status_code == 200, suspended.text
    assert suspended.json()["status"] == "suspended"
    reinstated = await filing.post(f"{base}/reinstate", headers=staff, json={"reason": "整改到位"})
    assert reinstated.status_code == 200 and reinstated.json()["status"] == "filed"
    other = {"kind": "other", "explanation": "违规发放证书"}
    revoked = await filing.post(
        f"{base}/revoke", headers=staff, json={"reason": "违规发放证书", "grounds": [other]}
    )
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert revoked.json()["allowed_actions"] == []

    again = await filing.post(f"{base}/reinstate", headers=staff, json={"reason": "误撤销"})
    assert again.status_code == 409
    assert again.json()["detail"] == "当前状态为“已取消评价资质”，不能执行“恢复评价资格”"

    records = of_filing(
        await published(filing_settings, has("filing.revoked", filing_id)), filing_id
    )
    tail = records[-3:]
    assert [kind_of(r) for r in tail] == ["filing.suspended", "filing.reinstated", "filing.revoked"]
    assert {r.key for r in tail} == {USCC.encode()}
    assert tail[0].json()["data"]["until"] == "2027-01-31"
    assert tail[2].json()["data"] == tail[2].json()["data"] | {
        "reason": "违规发放证书",
        "decided_by": "staff:city_center-user",
        "uscc": USCC,
    }
    # Revocation ends the filing: the enterprise may start a new one.
    assert (await filing.post("/api/v1/filings", headers=enterprise)).status_code == 201
    assert [m["item"] for m in (await view(filing, staff, filing_id))["materials"]] == [
        kind.number for kind in MaterialKind
    ]


async def test_the_public_notice_list_is_scanned_once_per_ttl_and_fresh_after_own_changes(
    filing, filing_settings, staff_headers, enterprise_headers
):
    enterprise = await enterprise_headers(USCC)
    staff = await staff_headers(Role.CITY_CENTER)
    filing_id = await submitted(filing, enterprise, USCC)
    async with (
        replica(filing_settings, public_cache_seconds=3600) as deciding,
        replica(filing_settings, public_cache_seconds=3600) as other,
    ):
        for client in (deciding, other):
            assert (await client.get("/api/v1/public/notices")).json()["items"] == []
        await accept(deciding, staff, filing_id)

        mine = (await deciding.get("/api/v1/public/notices")).json()["items"]
        assert [notice["filing_id"] for notice in mine] == [filing_id]
        # The other replica answers from its list until the TTL passes: no scan per request.
        assert (await other.get("/api/v1/public/notices")).json()["items"] == []
    assert [
        n["filing_id"] for n in (await filing.get("/api/v1/public/notices")).json()["items"]
    ] == [filing_id]


async def test_the_institution_code_is_set_before_or_after_filing_and_published(
    filing, filing_settings, staff_headers, enterprise_headers
):
    enterprise = await enterprise_headers(USCC)
    staff = await staff_headers(Role.CITY_CENTER)
    filing_id = await submitted(filing, enterprise, USCC)
    await accept(filing, staff, filing_id)
    url = f"/api/v1/filings/{filing_id}/institution-code"

    early = await filing.put(url, headers=staff, json={"institution_code": "0123"})
    assert early.status_code == 200, early.text
    assert early.json()["institution_code"] == "0123" and early.json()["receipt"] is None
    # The province's serial may be recorded during the notice too; the receipt carries it.
    serial = await filing.put(
        f"/api/v1/filings/{filing_id}/institution-serial",
        headers=staff,
        json={"institution_serial": "370009"},
    )
    assert serial.status_code == 200, serial.text
    async with replica(filing_settings, today_override=after_notice(filing_settings)):
        await eventually(lambda: _status_is(filing, staff, filing_id, "filed"), timeout=20)
    receipt = (await view(filing, enterprise, filing_id))["receipt"]
    assert receipt["institution_code"] == "0123"
    assert receipt["certificate_number_prefix"] == "Y012337370009"

    bad = await filing.put(url, headers=staff, json={"institution_code": "12a4"})
    assert bad.status_code == 422 and "4位数字" in bad.json()["detail"]
    later = await filing.put(url, headers=staff, json={"institution_code": "0456"})
    assert later.status_code == 200, later.text
    assert later.json()["receipt"]["certificate_number_prefix"][:7] == "Y045637"
    assert later.json()["receipt"]["number"] == receipt["number"]
    refused = await filing.put(url, headers=enterprise, json={"institution_code": "0789"})
    assert refused.status_code == 403

    records = of_filing(
        await published(filing_settings, has("filing.institution-code-assigned", filing_id, 2)),
        filing_id,
    )
    assigned = [
        r.json()["data"] for r in records if kind_of(r) == "filing.institution-code-assigned"
    ]
    assert [(a["previous_code"], a["institution_code"]) for a in assigned] == [
        ("0000", "0123"),
        ("0123", "0456"),
    ]
    [filed] = [r.json()["data"] for r in records if kind_of(r) == "filing.filed"]
    assert filed["institution_code"] == "0123"
