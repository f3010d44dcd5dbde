"""退出机制 over HTTP against the real app, Kafka and database: revocation (取消评价资质) on
grounds backed by the enterprise's own records, a suspension that ends by itself, and a
filing's validity, renewed by 继续备案 or lapsing."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest

from integration.filing.filed import filing_events, of_type, put_on_file
from skilleval_filing.clock import today
from skilleval_filing.exits.model import add_years
from skilleval_shared.auth import Role
from support.filing_flows import replica, view
from support.kafka import eventually
from support.samples import OTHER_USCC, USCC

pytestmark = pytest.mark.integration

FILINGS = "/api/v1/filings"


async def filed(filing, uscc: str = USCC, sequence: int = 1) -> str:
    found = await put_on_file(filing.app, uscc, sequence=sequence)
    return found.id


def issued_on(settings) -> date:
    return today(settings) - timedelta(days=30)  # as put_on_file issues it


async def credit_record(filing, staff, uscc: str) -> str:
    response = await filing.post(
        f"/api/v1/enterprises/{uscc}/credit-records",
        headers=staff,
        json={"kind": "violation", "description": "向未参加考核人员发放证书"},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["record_id"])


async def complaint(filing, uscc: str) -> str:
    response = await filing.post(
        "/api/v1/public/complaints",
        json={"contact_phone": "13912345678", "target_uscc": uscc, "text": "考评走过场"},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["complaint_id"])


def only(records, suffix: str):
    """The one event of a type; a relay may publish it twice (same id), consumers dedupe."""
    found = {r.json()["id"]: r for r in of_type(records, suffix)}
    assert len(found) == 1, list(found)
    return next(iter(found.values()))


def ground(kind: str, *evidence: tuple[str, str]) -> dict[str, Any]:
    return {
        "kind": kind,
        "explanation": "经核实情况属实",
        "evidence": [{"kind": k, "evidence_id": i} for k, i in evidence],
    }


async def test_revocation_names_its_grounds_and_the_records_behind_them(
    filing, filing_settings, staff_headers
):
    filing_id = await filed(filing)
    await put_on_file(filing.app, OTHER_USCC, sequence=2)
    staff = await staff_headers(Role.CITY_CENTER)
    own_credit = await credit_record(filing, staff, USCC)
    own_complaint = await complaint(filing, USCC)
    others_complaint = await complaint(filing, OTHER_USCC)
    before = await view(filing, staff, filing_id)
    revoke = f"{FILINGS}/{filing_id}/revoke"

    for grounds, fragment in [
        ([], "应至少列明一项理由"),
        ([ground("misconduct")], "应至少引用一项"),
        ([ground("misconduct", ("complaint", others_complaint))], "不存在或与该企业无关"),
        ([ground("mismanagement", ("credit", "no-such-record"))], "不存在或与该企业无关"),
        ([ground("mismanagement", ("inspection", "no-such-inspection"))], "不存在或与该企业无关"),
        ([ground("other"), ground("other")], "只能列明一次"),
        ([ground("cheating", ("credit", own_credit))], "取值应为以下之一"),
    ]:
        response = await filing.post(
            revoke, headers=staff, json={"reason": "取消评价资质", "grounds": grounds}
        )
        assert response.status_code == 422, response.text
        problem = response.json()
        messages = [problem.get("detail", "")] + [e["message"] for e in problem.get("errors", [])]
        assert any(fragment in message for message in messages), (grounds, problem)
    assert await view(filing, staff, filing_id) == before

    grounds = [
        ground("misconduct", ("credit", own_credit), ("complaint", own_complaint)),
        ground("other"),
    ]
    revoked = await filing.post(
        revoke, headers=staff, json={"reason": "违规发放证书，取消评价资质", "grounds": grounds}
    )

    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["status"] == "revoked"
    term = (await filing.get(f"{FILINGS}/{filing_id}/term", headers=staff)).json()
    assert [(g["kind_label"], len(g["evidence"])) for g in term["revocation_grounds"]] == [
        ("违规失信", 2),
        ("其他", 0),
    ]
    assert term["revocation_grounds"][0]["evidence"][0] == {
        "kind": "credit",
        "kind_label": "信用记录",
        "evidence_id": own_credit,
    }
    records = await filing_events(
        filing_settings, lambda rs: bool(of_type(rs, "filing.revoked.v1"))
    )
    event = only(records, "filing.revoked.v1")
    assert [g["kind"] for g in event.json()["data"]["grounds"]] == ["misconduct", "other"]
    assert event.json()["data"]["grounds"][0]["evidence"][1] == {
        "kind": "complaint",
        "evidence_id": own_complaint,
    }


async def test_a_suspension_ends_by_itself_when_its_date_has_passed(
    filing, filing_settings, staff_headers
):
    filing_id = await filed(filing)
    staff = await staff_headers(Role.CITY_CENTER)
    until = today(filing_settings) + timedelta(days=3)
    suspended = await filing.post(
        f"{FILINGS}/{filing_id}/suspend",
        headers=staff,
        json={"reason": "抽查发现问题，限期整改", "until": until.isoformat()},
    )
    assert suspended.status_code == 200, suspended.text
    term = (await filing.get(f"{FILINGS}/{filing_id}/term", headers=staff)).json()
    assert term["suspended_until"] == until.isoformat()

    # On the last day of the suspension nothing happens; the day after, it is lifted.
    async with replica(filing_settings, today_override=until, terms_check_seconds=0.05) as last:
        await asyncio.sleep(0.5)  # rounds of its scheduler: nothing may happen
        assert (await view(last, staff, filing_id))["status"] == "suspended"
    after = until + timedelta(days=1)
    async with replica(filing_settings, today_override=after, terms_check_seconds=0.05) as later:

        async def reinstated() -> Any:
            found = await view(later, staff, filing_id)
            return found if found["status"] == "filed" else None

        found = await eventually(reinstated, timeout=20)
    assert "届满，自动恢复评价资格" in found["status_reason"]
    records = await filing_events(
        filing_settings, lambda rs: bool(of_type(rs, "filing.reinstated.v1"))
    )
    event = only(records, "filing.reinstated.v1")
    assert event.json()["data"]["decided_by"] == "system"


async def test_a_filing_is_valid_for_the_configured_years_and_renewed_by_the_centre(
    filing, filing_settings, staff_headers, enterprise_headers
):
    filing_id = await filed(filing)
    staff = await staff_headers(Role.CITY_CENTER)
    enterprise = await enterprise_headers(USCC)
    years = filing_settings.filing_validity_years
    valid_until = add_years(issued_on(filing_settings), years) - timedelta(days=1)
    term = (await filing.get(f"{FILINGS}/{filing_id}/term", headers=enterprise)).json()
    assert term["valid_until"] == valid_until.isoformat()
    window = timedelta(days=filing_settings.renewal_window_days)
    assert term["renewal_opens_on"] == (valid_until - window).isoformat()

    early = await filing.post(f"{FILINGS}/{filing_id}/renewal", headers=enterprise)
    assert early.status_code == 409 and "可于" in early.json()["detail"]
    nothing = await filing.post(f"{FILINGS}/{filing_id}/renewal/accept", headers=staff)
    assert nothing.status_code == 409 and "尚未申请继续备案" in nothing.json()["detail"]

    near_end = valid_until - timedelta(days=10)
    async with replica(filing_settings, today_override=near_end) as later:
        asked = await later.post(f"{FILINGS}/{filing_id}/renewal", headers=enterprise)
        assert asked.status_code == 200, asked.text
        assert asked.json()["renewal_requested_on"] == near_end.isoformat()
        again = await later.post(f"{FILINGS}/{filing_id}/renewal", headers=enterprise)
        assert again.status_code == 409
        assert (
            await later.post(f"{FILINGS}/{filing_id}/renewal/accept", headers=enterprise)
        ).status_code == 403
        renewed = await later.post(f"{FILINGS}/{filing_id}/renewal/accept", headers=staff)

    assert renewed.status_code == 200, renewed.text
    extended = add_years(valid_until + timedelta(days=1), years) - timedelta(days=1)
    assert renewed.json()["valid_until"] == extended.isoformat()
    assert renewed.json()["renewal_requested_on"] is None
    # After the first period the filing is still valid: nothing lapses.
    async with replica(
        filing_settings, today_override=valid_until + timedelta(days=5), terms_check_seconds=0.05
    ) as later:
        await asyncio.sleep(0.5)  # rounds of its scheduler: nothing may happen
        assert (await view(later, staff, filing_id))["status"] == "filed"
    records = await filing_events(
        filing_settings, lambda rs: bool(of_type(rs, "filing.renewed.v1"))
    )
    event = only(records, "filing.renewed.v1")
    assert event.json()["data"] | {"decided_by": None} == event.json()["data"] | {
        "uscc": USCC,
        "filing_id": filing_id,
        "decided_by": None,
        "previous_valid_until": valid_until.isoformat(),
        "valid_until": extended.isoformat(),
    }
    assert of_type(records, "filing.renewal-requested.v1")


async def test_a_filing_not_renewed_lapses_and_the_enterprise_may_file_again(
    filing, filing_settings, staff_headers, enterprise_headers
):
    filing_id = await filed(filing)
    staff = await staff_headers(Role.CITY_CENTER)
    enterprise = await enterprise_headers(USCC)
    years = filing_settings.filing_validity_years
    valid_until = add_years(issued_on(filing_settings), years) - timedelta(days=1)
    near_end = valid_until - timedelta(days=5)
    async with replica(filing_settings, today_override=near_end) as later:
        asked = await later.post(f"{FILINGS}/{filing_id}/renewal", headers=enterprise)
        assert asked.status_code == 200, asked.text
        bare = await later.post(f"{FILINGS}/{filing_id}/renewal/refuse", headers=staff, json={})
        assert bare.status_code == 422
        refused = await later.post(
            f"{FILINGS}/{filing_id}/renewal/refuse",
            headers=staff,
            json={"reason": "评价工作组织不规范"},
        )
        assert refused.status_code == 200, refused.text

    async with replica(
        filing_settings, today_override=valid_until + timedelta(days=1), terms_check_seconds=0.05
    ) as later:

        async def lapsed() -> Any:
            found = await view(later, staff, filing_id)
            return found if found["status"] == "lapsed" else None

        found = await eventually(lapsed, timeout=20)
        assert found["status_label"] == "备案已失效"
        assert found["allowed_actions"] == []
        again = await later.post(FILINGS, headers=enterprise)
        assert again.status_code == 201, again.text  # a new filing after the lapsed one

    records = await filing_events(filing_settings, lambda rs: bool(of_type(rs, "filing.lapsed.v1")))
    event = only(records, "filing.lapsed.v1")
    assert event.json()["data"] == {
        "uscc": USCC,
        "filing_id": filing_id,
        "valid_until": valid_until.isoformat(),
    }
    assert of_type(records, "filing.renewal-refused.v1")


async def test_only_the_owner_and_staff_see_the_term_and_only_reviewers_decide(
    filing, staff_headers, enterprise_headers
):
    filing_id = await filed(filing)
    other = await enterprise_headers(OTHER_USCC)
    province = await staff_headers(Role.PROVINCE_CENTER)
    assert (await filing.get(f"{FILINGS}/{filing_id}/term", headers=other)).status_code == 403
    assert (await filing.get(f"{FILINGS}/{filing_id}/term")).status_code == 401
    assert (await filing.get(f"{FILINGS}/{filing_id}/term", headers=province)).status_code == 200
    for path in ("revoke", "renewal/accept", "renewal/refuse"):
        denied = await filing.post(
            f"{FILINGS}/{filing_id}/{path}",
            headers=province,
            json={"reason": "x", "grounds": []} if path == "revoke" else {"reason": "x"},
        )
        assert denied.status_code == 403, (path, denied.text)
    assert (await filing.post(f"{FILINGS}/{filing_id}/renewal", headers=other)).status_code == 403


async def test_the_enterprise_is_reminded_once_when_its_renewal_window_opens(
    filing, filing_settings, staff_headers, enterprise_headers
):
    filing_id = await filed(filing)
    enterprise = await enterprise_headers(USCC)
    years = filing_settings.filing_validity_years
    valid_until = add_years(issued_on(filing_settings), years) - timedelta(days=1)
    opens = valid_until - timedelta(days=filing_settings.renewal_window_days)

    # Before the window: several scheduler rounds, no reminder.
    async with replica(
        filing_settings, today_override=opens - timedelta(days=1), terms_check_seconds=0.05
    ):
        await asyncio.sleep(0.5)
    # In the window: one reminder, however many rounds (and replicas) run.
    for _ in range(2):
        async with replica(
            filing_settings, today_override=opens + timedelta(days=3), terms_check_seconds=0.05
        ):
            await asyncio.sleep(0.5)
    await filing_events(filing_settings, lambda rs: bool(of_type(rs, "filing.renewal-due.v1")))
    records = await filing_events(filing_settings, lambda rs: False, timeout=3)  # and no more
    reminders = of_type(records, "filing.renewal-due.v1")
    assert len({r.json()["id"] for r in reminders}) == 1
    assert reminders[0].json()["data"] == {
        "uscc": USCC,
        "filing_id": filing_id,
        "valid_until": valid_until.isoformat(),
        "window_opens": opens.isoformat(),
    }
    # Asked for meanwhile: still valid, and nothing more is sent.
    async with replica(filing_settings, today_override=opens + timedelta(days=4)) as later:
        asked = await later.post(f"{FILINGS}/{filing_id}/renewal", headers=enterprise)
        assert asked.status_code == 200, asked.text
