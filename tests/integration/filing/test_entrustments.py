"""委托评价 over HTTP against the real app, Kafka and database: a filed enterprise files an
agreement with its file; the centre accepts or rejects it; the parties and staff may see it."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
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
from skilleval_filing.clock import today
from skilleval_filing.filings.lifecycle import FilingState
from skilleval_shared.auth import Role
from support.filing_samples import (
    MILLER,
    WELDER,
)
from support.kafka import eventually
from support.samples import OTHER_USCC, USCC

pytestmark = pytest.mark.integration

THIRD_USCC = "11320000MB151840XJ"
BASE = "/api/v1/entrustments"
PDF = b"%PDF-1.7\n1 0 obj << /Type /CatalogTable >> endobj\n" + b"0" * 2000 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 500
LIMIT = 64 * 1024
STAFF = {"city_center", "province_center", "admin"}


@pytest.fixture
def filing_settings(filing_settings):
    """A small upload limit, so that the oversize case stays cheap."""
    return filing_settings.model_copy(update={"max_upload_bytes": LIMIT})


def terms(settings, **overrides: Any) -> dict[str, Any]:
    start = today(settings)
    fields: dict[str, Any] = {
        "client_uscc": OTHER_USCC,
        "client_name": "青岛委托示例有限公司",
        "client_city_center": "潍坊市职业技能鉴定中心",
        "scope": [{"occupation_code": "6-18-01-01", "work_type": "数控车工", "levels": [5, 4]}],
        "valid_from": start.isoformat(),
        "valid_until": (start + timedelta(days=365)).isoformat(),
    }
    return fields | overrides


async def submit(filing, headers, agreement: Any, content: bytes = PDF, name="委托评价协议.pdf"):
    raw = agreement if isinstance(agreement, str) else json.dumps(agreement, ensure_ascii=False)
    return await filing.post(
        BASE,
        headers=headers,
        data={"agreement": raw},
        files={"file": (name, content, "application/pdf")},
    )


async def upload_plan(filing, headers, entrustment_id: str, content: bytes = PDF):
    return await filing.put(
        f"{BASE}/{entrustment_id}/plan",
        headers=headers,
        files={"file": ("评价实施方案.pdf", content, "application/pdf")},
    )


async def stored_files(filing) -> int:
    files = filing.app.state.filing.files
    return await files.files.count_documents({}) + await files.chunks.count_documents({})


async def test_an_agreement_is_filed_with_its_file_and_usable_once_accepted(
    filing, filing_settings, enterprise_headers, staff_headers
):
    await put_on_file(filing.app, USCC)
    trustee = await enterprise_headers(USCC)
    client = await enterprise_headers(OTHER_USCC)
    outsider = await enterprise_headers(THIRD_USCC)
    staff = await staff_headers(Role.CITY_CENTER)

    response = await submit(filing, trustee, terms(filing_settings))

    assert response.status_code == 201, response.text
    filed = response.json()
    entrustment_id = filed["entrustment_id"]
    assert (filed["status"], filed["usable_today"]) == ("submitted", False)
    assert (filed["trustee_uscc"], filed["client_uscc"]) == (USCC, OTHER_USCC)
    assert filed["agreement_file"] == {
        "filename": "委托评价协议.pdf",
        "content_type": "application/pdf",
        "size_bytes": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest(),
    }
    for headers in (trustee, client, staff):
        seen = await filing.get(f"{BASE}/{entrustment_id}", headers=headers)
        assert seen.status_code == 200 and seen.json() == filed
        download = await filing.get(f"{BASE}/{entrustment_id}/agreement", headers=headers)
        assert download.status_code == 200
        assert download.content == PDF
        assert download.headers["content-type"] == "application/pdf"
    assert (await filing.get(f"{BASE}/{entrustment_id}", headers=outsider)).status_code == 404
    hidden = await filing.get(f"{BASE}/{entrustment_id}/agreement", headers=outsider)
    assert hidden.status_code == 404
    assert filed["client_city_center"] == "潍坊市职业技能鉴定中心"
    assert filed["plan_file"] is None and filed["suspended"] is False

    # 评价实施方案: required before acceptance, sent by the trustee only.
    no_plan = await filing.post(f"{BASE}/{entrustment_id}/accept", headers=staff)
    assert no_plan.status_code == 409 and "尚未上传评价实施方案" in no_plan.json()["detail"]
    assert (await filing.get(f"{BASE}/{entrustment_id}/plan", headers=staff)).status_code == 404
    assert (await upload_plan(filing, client, entrustment_id)).status_code == 403
    assert (await upload_plan(filing, trustee, entrustment_id, b"plain text")).status_code == 415
    planned = await upload_plan(filing, trustee, entrustment_id)
    assert planned.status_code == 200, planned.text
    assert planned.json()["plan_file"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    for headers in (trustee, client, staff):
        plan = await filing.get(f"{BASE}/{entrustment_id}/plan", headers=headers)
        assert plan.status_code == 200 and plan.content == PDF
    assert (await filing.get(f"{BASE}/{entrustment_id}/plan", headers=outsider)).status_code == 404

    accepted = await filing.post(f"{BASE}/{entrustment_id}/accept", headers=staff)

    assert accepted.status_code == 200, accepted.text
    assert (accepted.json()["status"], accepted.json()["usable_today"]) == ("accepted", True)
    assert accepted.json()["decided_by"] == "staff:city_center-user"
    for headers in (trustee, client):
        listed = (await filing.get(BASE, headers=headers)).json()["items"]
        assert [item["entrustment_id"] for item in listed] == [entrustment_id]
    assert (await filing.get(BASE, headers=outsider)).json()["items"] == []
    by_status = await filing.get(BASE, headers=staff, params={"status": "accepted"})
    assert [item["entrustment_id"] for item in by_status.json()["items"]] == [entrustment_id]
    pending = await filing.get(BASE, headers=staff, params={"status": "submitted"})
    assert pending.json()["items"] == []

    records = await filing_events(filing_settings, has("entrustment.accepted.v1"))
    submitted_events = of_type(records, "entrustment.submitted.v1")
    accepted_events = of_type(records, "entrustment.accepted.v1")
    assert len(submitted_events) == len(accepted_events) == 1
    assert {r.key for r in submitted_events + accepted_events} == {USCC.encode()}
    data = accepted_events[0].json()["data"]
    assert accepted_events[0].json()["subject"] == entrustment_id
    assert (data["client_uscc"], data["client_name"]) == (OTHER_USCC, "青岛委托示例有限公司")
    assert data["agreement_sha256"] == hashlib.sha256(PDF).hexdigest()
    assert data["decided_by"] == "staff:city_center-user"
    assert [(s["occupation_code"], s["work_type"], sorted(s["levels"])) for s in data["scope"]] == [
        ("6-18-01-01", "数控车工", [4, 5])
    ]


async def test_a_rejected_agreement_cannot_be_accepted_later(
    filing, filing_settings, enterprise_headers, staff_headers
):
    await put_on_file(filing.app, USCC)
    trustee = await enterprise_headers(USCC)
    staff = await staff_headers(Role.ADMIN)
    entrustment_id = (await submit(filing, trustee, terms(filing_settings), PNG)).json()[
        "entrustment_id"
    ]

    rejected = await filing.post(
        f"{BASE}/{entrustment_id}/reject", headers=staff, json={"reason": "协议未加盖双方公章"}
    )
    assert rejected.status_code == 200, rejected.text
    assert (rejected.json()["status"], rejected.json()["reason"]) == (
        "rejected",
        "协议未加盖双方公章",
    )
    assert rejected.json()["agreement_file"]["content_type"] == "image/png"

    late = await filing.post(f"{BASE}/{entrustment_id}/accept", headers=staff)
    assert late.status_code == 409
    assert (await filing.get(f"{BASE}/{entrustment_id}", headers=trustee)).json() == rejected.json()

    records = await filing_events(filing_settings, has("entrustment.rejected.v1"))
    (event,) = of_type(records, "entrustment.rejected.v1")
    assert event.key == USCC.encode()
    assert event.json()["data"]["reason"] == "协议未加盖双方公章"
    assert not of_type(records, "entrustment.accepted.v1")


async def test_the_scope_is_checked_against_the_current_catalog(
    filing, filing_settings, enterprise_headers, staff_headers
):
    await put_on_file(filing.app, USCC)
    trustee = await enterprise_headers(USCC)
    staff = await staff_headers(Role.CITY_CENTER)
    changes = f"/api/v1/enterprises/{USCC}/catalog/changes"
    welders = terms(filing_settings, scope=[{"occupation_code": "6-18-02-04", "levels": "5、4"}])
    welding = (await submit(filing, trustee, welders)).json()["entrustment_id"]
    millers = terms(
        filing_settings,
        scope=[{"occupation_code": "6-18-01-02", "work_type": "数控铣工", "levels": [5]}],
    )
    assert (await submit(filing, trustee, millers)).status_code == 422  # not filed yet

    change = await filing.post(
        changes,
        headers=trustee,
        json={
            "operations": [
                {"op": "add", "row": MILLER},
                {"op": "remove", "occupation_code": WELDER["occupation_code"]},
            ]
        },
    )
    accepted = await filing.post(f"{changes}/{change.json()['change_id']}/accept", headers=staff)
    assert accepted.status_code == 200, accepted.text

    assert (await submit(filing, trustee, millers)).status_code == 201
    assert (await upload_plan(filing, trustee, welding)).status_code == 200
    refused = await filing.post(f"{BASE}/{welding}/accept", headers=staff)
    assert refused.status_code == 422
    assert "超出受托方备案目录" in refused.json()["detail"]
    assert (await filing.get(f"{BASE}/{welding}", headers=trustee)).json()["status"] == "submitted"


@pytest.mark.parametrize(
    ("agreement", "content", "status", "fragment"),
    [
        pytest.param(
            {
                "scope": [
                    {"occupation_code": "6-18-01-01", "work_type": "数控车工", "levels": [3, 2]}
                ]
            },
            PDF,
            422,
            "级别2不在受托方备案范围内",
            id="levels-outside-catalog",
        ),
        pytest.param(
            {"scope": [{"occupation_code": "6-18-01-09", "levels": [5]}]},
            PDF,
            422,
            "不在受托方备案目录中",
            id="occupation-outside-catalog",
        ),
        pytest.param({}, b"just some text, not a PDF", 415, "PDF", id="wrong-file-type"),
        pytest.param({}, b"MZ\x90\x00" + PDF, 415, "JPEG", id="executable"),
        pytest.param({}, b"%PDF-" + b"0" * LIMIT, 413, "64 KB", id="oversize"),
        pytest.param({}, b"", 422, "为空", id="empty-file"),
        pytest.param(
            {"client_uscc": "91512081MA62K0260F"}, PDF, 422, "校验位", id="bad-client-uscc"
        ),
        pytest.param({"client_uscc": USCC}, PDF, 422, "同一企业", id="client-is-trustee"),
        pytest.param(
            {"valid_from": "2031-01-01", "valid_until": "2030-01-01"},
            PDF,
            422,
            "开始日期应早于结束日期",
            id="period-reversed",
        ),
        pytest.param(
            {"valid_until": "2020-01-01", "valid_from": "2019-01-01"},
            PDF,
            422,
            "已过有效期",
            id="expired",
        ),
        pytest.param({"scope": []}, PDF, 422, "至少需要 1 项", id="no-scope"),
        pytest.param("{not json", PDF, 422, "格式有误", id="malformed-json"),
        pytest.param({"trustee_uscc": OTHER_USCC}, PDF, 422, "不允许的字段", id="extra-field"),
    ],
)
async def test_a_bad_agreement_is_a_problem_and_stores_nothing(
    filing, filing_settings, enterprise_headers, agreement, content, status, fragment
):
    await put_on_file(filing.app, USCC)
    trustee = await enterprise_headers(USCC)
    body = agreement if isinstance(agreement, str) else terms(filing_settings, **agreement)

    response = await submit(filing, trustee, body, content)

    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    messages = [problem.get("detail", "")] + [e["message"] for e in problem.get("errors", [])]
    assert any(fragment in message for message in messages), problem
    assert (await filing.get(BASE, headers=trustee)).json() == {"items": []}
    assert await stored_files(filing) == 0
    good = await submit(filing, trustee, terms(filing_settings))
    assert good.status_code == 201
    records = await filing_events(filing_settings, has("entrustment.submitted.v1"))
    assert len(of_type(records, "entrustment.submitted.v1")) == 1


@pytest.mark.parametrize(
    "state", [None, FilingState.SUBMITTED, FilingState.SUSPENDED, FilingState.REVOKED]
)
async def test_only_a_filed_enterprise_may_file_an_agreement(
    filing, filing_settings, enterprise_headers, state
):
    if state is not None:
        await put_on_file(filing.app, USCC, state=state)
    trustee = await enterprise_headers(USCC)

    response = await submit(filing, trustee, terms(filing_settings))

    assert response.status_code == 409, response.text
    assert (await filing.get(BASE, headers=trustee)).json() == {"items": []}
    assert await stored_files(filing) == 0


async def test_a_suspended_trustee_cannot_have_its_agreement_accepted(
    filing, filing_settings, enterprise_headers, staff_headers
):
    await put_on_file(filing.app, USCC)
    trustee = await enterprise_headers(USCC)
    staff = await staff_headers(Role.CITY_CENTER)
    submitted = (await submit(filing, trustee, terms(filing_settings))).json()
    filed = (await upload_plan(filing, trustee, submitted["entrustment_id"])).json()
    await change_state(filing.app, USCC, FilingState.SUSPENDED)

    response = await filing.post(f"{BASE}/{filed['entrustment_id']}/accept", headers=staff)

    assert response.status_code == 409
    assert "受托方备案状态为“暂停评价”" in response.json()["detail"]
    assert (await filing.get(f"{BASE}/{filed['entrustment_id']}", headers=trustee)).json() == filed


CLIENT_NOT_IN_GOOD_STANDING = [
    pytest.param(FilingState.SUSPENDED, "委托方已暂停评价", id="suspended"),
    pytest.param(FilingState.REVOKED, "委托方已被取消评价资质", id="revoked"),
    pytest.param(FilingState.LAPSED, "委托方备案已失效", id="lapsed"),
]


@pytest.mark.parametrize(("state", "why"), CLIENT_NOT_IN_GOOD_STANDING)
async def test_a_client_not_in_good_standing_cannot_enter_an_agreement(
    filing, filing_settings, enterprise_headers, state, why
):
    await put_on_file(filing.app, USCC)
    await put_on_file(filing.app, OTHER_USCC, state=state, sequence=2)
    trustee = await enterprise_headers(USCC)

    response = await submit(filing, trustee, terms(filing_settings))

    assert response.status_code == 409, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"] == f"{why}，不能提交委托评价协议"
    assert (await filing.get(BASE, headers=trustee)).json() == {"items": []}
    assert await stored_files(filing) == 0


@pytest.mark.parametrize(("state", "why"), CLIENT_NOT_IN_GOOD_STANDING)
async def test_an_agreement_is_not_accepted_once_its_client_is_not_in_good_standing(
    filing, filing_settings, enterprise_headers, staff_headers, state, why
):
    await put_on_file(filing.app, USCC)
    await put_on_file(filing.app, OTHER_USCC, sequence=2)
    trustee = await enterprise_headers(USCC)
    staff = await staff_headers(Role.CITY_CENTER)
    submitted = (await submit(filing, trustee, terms(filing_settings))).json()
    entrustment_id = submitted["entrustment_id"]
    filed = (await upload_plan(filing, trustee, entrustment_id)).json()
    await change_state(filing.app, OTHER_USCC, state)

    response = await filing.post(f"{BASE}/{entrustment_id}/accept", headers=staff)

    assert response.status_code == 409, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"] == f"{why}，不能通过委托评价协议"
    assert (await filing.get(f"{BASE}/{entrustment_id}", headers=trustee)).json() == filed
    # Still open to a rejection; the only events are the submission and that rejection.
    rejected = await filing.post(
        f"{BASE}/{entrustment_id}/reject", headers=staff, json={"reason": "委托方资质不符"}
    )
    assert rejected.status_code == 200, rejected.text
    records = await filing_events(filing_settings, has("entrustment.rejected.v1"))
    assert not of_type(records, "entrustment.accepted.v1")


async def test_every_entrustment_endpoint_checks_the_caller(
    filing, filing_settings, enterprise_headers, staff_headers
):
    await put_on_file(filing.app, USCC)
    await put_on_file(filing.app, THIRD_USCC, name="青岛第三机械有限公司", sequence=2)
    who = await callers(enterprise_headers, staff_headers, USCC, THIRD_USCC)
    filed = (await submit(filing, who["owner"], terms(filing_settings))).json()
    one = f"{BASE}/{filed['entrustment_id']}"
    parties_and_staff = denied_to({"owner", *STAFF}, hidden={"other"})
    reviewers = denied_to({"city_center", "admin"})

    await check_roles(filing, "GET", BASE, who, denied_to({"owner", "other", *STAFF}))
    await check_roles(filing, "GET", one, who, parties_and_staff)
    await check_roles(filing, "GET", f"{one}/agreement", who, parties_and_staff)
    await check_roles(filing, "GET", f"{one}/plan", who, parties_and_staff)
    await check_roles(
        filing,
        "PUT",
        f"{one}/plan",
        who,
        denied_to({"owner"}, hidden={"other"}),
        files={"file": ("a.pdf", PDF, "application/pdf")},
    )
    await check_roles(
        filing,
        "POST",
        BASE,
        who,
        denied_to({"owner", "other"}),
        data={"agreement": json.dumps(terms(filing_settings))},
        files={"file": ("a.pdf", PDF, "application/pdf")},
    )
    await check_roles(filing, "POST", f"{one}/reject", who, reviewers, json={"reason": "不符合"})
    await check_roles(filing, "POST", f"{one}/accept", who, reviewers)


def _form(boundary: str, agreement: str | None, content: bytes) -> bytes:
    parts = b""
    if agreement is not None:
        parts += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="agreement"\r\n\r\n'
            f"{agreement}\r\n"
        ).encode()
    return (
        parts
        + (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="agreement.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )


async def test_an_oversize_agreement_is_refused_while_streaming_not_after(
    filing, filing_settings, enterprise_headers
):
    await put_on_file(filing.app, USCC)
    trustee = await enterprise_headers(USCC)
    boundary = "skilleval-boundary"
    agreement = json.dumps(terms(filing_settings), ensure_ascii=False)
    body = _form(boundary, agreement, b"%PDF-" + b"0" * (LIMIT * 64))
    sent = 0

    async def chunks():  # no Content-Length: the limit must hold while the body arrives
        nonlocal sent
        for start in range(0, len(body), 4096):
            sent += 4096
            yield body[start : start + 4096]

    response = await filing.post(
        BASE,
        headers=trustee | {"content-type": f"multipart/form-data; boundary={boundary}"},
        content=chunks(),
    )

    assert response.status_code == 413, response.text
    assert "64 KB" in response.json()["detail"]
    assert sent < len(body) // 4, "the service read far past the limit before refusing"
    assert (await filing.get(BASE, headers=trustee)).json() == {"items": []}
    assert await stored_files(filing) == 0


@pytest.mark.parametrize(
    ("agreement", "cut", "status"),
    [
        pytest.param(None, None, 422, id="no-agreement-field"),
        pytest.param("   ", None, 422, id="blank-agreement-field"),
        pytest.param("x" * 100_001, None, 422, id="agreement-too-long"),
        pytest.param("{}", 120, (400, 422), id="truncated-body"),
    ],
)
async def test_a_malformed_entrustment_form_is_a_problem_and_stores_nothing(
    filing, filing_settings, enterprise_headers, agreement, cut, status
):
    await put_on_file(filing.app, USCC)
    trustee = await enterprise_headers(USCC)
    boundary = "skilleval-boundary"
    body = _form(boundary, agreement, PDF)

    response = await filing.post(
        BASE,
        headers=trustee | {"content-type": f"multipart/form-data; boundary={boundary}"},
        content=body[:cut] if cut else body,
    )

    assert response.status_code in (status if isinstance(status, tuple) else (status,))
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (await filing.get(BASE, headers=trustee)).json() == {"items": []}
    assert await stored_files(filing) == 0


async def test_a_party_suspended_or_revoked_suspends_the_agreement_by_an_event(
    filing, filing_settings, enterprise_headers, staff_headers
):
    await put_on_file(filing.app, USCC)
    client_filing = (await put_on_file(filing.app, OTHER_USCC, sequence=2)).id
    trustee_filing = f"{USCC}-1"
    trustee = await enterprise_headers(USCC)
    staff = await staff_headers(Role.CITY_CENTER)
    entrustment_id = (await submit(filing, trustee, terms(filing_settings))).json()[
        "entrustment_id"
    ]
    await upload_plan(filing, trustee, entrustment_id)
    accepted = await filing.post(f"{BASE}/{entrustment_id}/accept", headers=staff)
    assert accepted.json()["usable_today"] is True

    async def agreement_when(suspended: bool) -> Any:
        found = (await filing.get(f"{BASE}/{entrustment_id}", headers=trustee)).json()
        return found if found["suspended"] is suspended else None

    suspend = await filing.post(
        f"/api/v1/filings/{client_filing}/suspend", headers=staff, json={"reason": "限期整改"}
    )
    assert suspend.status_code == 200, suspend.text
    held = await eventually(lambda: agreement_when(True), timeout=20)
    assert held["usable_today"] is False
    assert [(s["party_uscc"], s["party_role"], s["reason"]) for s in held["suspensions"]] == [
        (OTHER_USCC, "委托方", "委托方已暂停评价")
    ]

    reinstate = await filing.post(
        f"/api/v1/filings/{client_filing}/reinstate", headers=staff, json={"reason": "整改到位"}
    )
    assert reinstate.status_code == 200, reinstate.text
    resumed = await eventually(lambda: agreement_when(False), timeout=20)
    assert resumed["usable_today"] is True

    revoke = {"reason": "取消评价资质", "grounds": [{"kind": "other", "explanation": "自愿退出"}]}
    revoked = await filing.post(
        f"/api/v1/filings/{trustee_filing}/revoke", headers=staff, json=revoke
    )
    assert revoked.status_code == 200, revoked.text
    held = await eventually(lambda: agreement_when(True), timeout=20)
    assert held["suspensions"][0]["reason"] == "受托方已被取消评价资质"

    records = await filing_events(filing_settings, has("entrustment.suspended.v1", 2))
    # A relay may publish an event twice (same id); consumers dedupe, so does this test.
    suspended_events = list(
        {e.json()["id"]: e for e in of_type(records, "entrustment.suspended.v1")}.values()
    )
    assert [e.json()["data"]["party_uscc"] for e in suspended_events] == [OTHER_USCC, USCC]
    assert {e.key for e in suspended_events} == {USCC.encode()}  # keyed by the trustee
    (resumed_event,) = {
        e.json()["id"]: e for e in of_type(records, "entrustment.resumed.v1")
    }.values()
    assert resumed_event.json()["subject"] == entrustment_id
