"""Objections from the public (POST /api/v1/public/notices/{filing_id}/objections), anonymous.

Filing ids are guessable (``<USCC>-<n>``), so a filing in any state but on notice must answer
exactly as a filing that does not exist: otherwise anyone could learn which enterprises applied,
are under review or were quietly refused. Bad input is a 422 that changes nothing, including
input the form lets through but the outgoing event refuses.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import httpx
import pytest
from pydantic import StringConstraints

from integration.filing.filed import (
    put_on_file,
)
from skilleval_filing.filings.lifecycle import FilingState
from skilleval_shared.auth import Role
from skilleval_shared.events import filing as shared_events
from support.filing_flows import (
    accept,
    create_draft,
    fill_draft,
    has,
    kind_of,
    of_filing,
    published,
    submitted,
    view,
)
from support.filing_samples import (
    make_uscc,
)
from support.samples import OTHER_USCC, USCC

pytestmark = pytest.mark.integration

OBJECTION = {"text": "该企业考评人员数量不足", "contact_phone": "13800138000"}
NO_SUCH_FILING = "备案申请不存在"


def url(filing_id: str) -> str:
    return f"/api/v1/public/notices/{filing_id}/objections"


async def object_to(client: httpx.AsyncClient, filing_id: str, body: Any = None) -> httpx.Response:
    """As JSON writes it, so a lone surrogate travels as the escape "\\ud800"."""
    return await client.post(
        url(filing_id),
        content=json.dumps(OBJECTION if body is None else body),
        headers={"content-type": "application/json"},
    )


def answer(response: httpx.Response) -> dict[str, Any]:
    """Everything the caller sees but the path it asked for."""
    document = response.json()
    document.pop("instance", None)
    return {
        "status": response.status_code,
        "content_type": response.headers["content-type"],
        "document": document,
    }


async def no_filing_answer(client: httpx.AsyncClient) -> dict[str, Any]:
    nothing = answer(await object_to(client, f"{make_uscc(999)}-1"))
    assert nothing["status"] == 404
    assert nothing["content_type"].startswith("application/problem+json")
    assert nothing["document"]["detail"] == NO_SUCH_FILING
    # Nor can a malformed id be told apart.
    assert answer(await object_to(client, f"{USCC}-x")) == nothing
    return nothing


async def stored_version(client: httpx.AsyncClient, filing_id: str) -> int:
    stored = await client.app.state.filing.filings.get(filing_id)  # type: ignore[attr-defined]
    assert stored is not None
    version: int = stored.version
    return version


@pytest.mark.parametrize(
    "state", [state for state in FilingState if state is not FilingState.ON_NOTICE]
)
async def test_a_filing_not_on_notice_answers_exactly_as_no_filing(filing, state):
    nothing = await no_filing_answer(filing)
    stored = await put_on_file(filing.app, USCC, state=state)
    filing_id = stored.id

    assert answer(await object_to(filing, filing_id)) == nothing
    assert await stored_version(filing, filing_id) == stored.version


async def test_through_the_lifecycle_only_the_notice_takes_objections(
    filing, staff_headers, enterprise_headers
):
    """The reviewer's walk: draft, submitted, returned, rejected before any notice — each answers
    as no filing at all; a filing on notice takes the objection."""
    nothing = await no_filing_answer(filing)
    enterprise = await enterprise_headers(USCC)
    staff = await staff_headers(Role.CITY_CENTER)

    filing_id = await create_draft(filing, enterprise)
    assert answer(await object_to(filing, filing_id)) == nothing
    await fill_draft(filing, enterprise, filing_id, USCC)
    sent = await filing.post(f"/api/v1/filings/{filing_id}/submit", headers=enterprise)
    assert sent.status_code == 200, sent.text
    assert answer(await object_to(filing, filing_id)) == nothing
    remarks = {"remarks": [{"item": "field:business_scope", "text": "与营业执照不一致"}]}
    returned = await filing.post(f"/api/v1/filings/{filing_id}/return", headers=staff, json=remarks)
    assert returned.status_code == 200, returned.text
    assert answer(await object_to(filing, filing_id)) == nothing
    resubmitted = await filing.post(f"/api/v1/filings/{filing_id}/resubmit", headers=enterprise)
    assert resubmitted.status_code == 200, resubmitted.text
    reason = {"reason": "不符合备案条件"}
    rejected = await filing.post(f"/api/v1/filings/{filing_id}/reject", headers=staff, json=reason)
    assert rejected.status_code == 200, rejected.text
    before = await view(filing, staff, filing_id)
    assert answer(await object_to(filing, filing_id)) == nothing
    assert await view(filing, staff, filing_id) == before

    other = await enterprise_headers(OTHER_USCC)
    on_notice = await submitted(filing, other, OTHER_USCC)
    await accept(filing, staff, on_notice)
    raised = await object_to(filing, on_notice)
    assert raised.status_code == 201, raised.text
    assert raised.json()["filing_id"] == on_notice
    [objection] = (await view(filing, staff, on_notice))["objections"]
    assert objection["objection_id"] == raised.json()["objection_id"]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(OBJECTION | {"text": "\ud800"}, id="text-only-a-lone-surrogate"),
        pytest.param(OBJECTION | {"text": "考评员不足\udc00"}, id="text-with-a-lone-surrogate"),
        pytest.param(OBJECTION | {"name": "赵\ud83d"}, id="name-with-half-an-emoji"),
    ],
)
async def test_a_lone_surrogate_in_an_objection_is_422_and_changes_nothing(
    filing, staff_headers, enterprise_headers, body
):
    enterprise = await enterprise_headers(USCC)
    staff = await staff_headers(Role.CITY_CENTER)
    filing_id = await submitted(filing, enterprise, USCC)
    await accept(filing, staff, filing_id)
    before = await view(filing, staff, filing_id)

    response = await object_to(filing, filing_id, body)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    messages = [error["message"] for error in response.json()["errors"]]
    assert messages == ["含有无法识别的字符，请删除后重新输入"]
    assert await view(filing, staff, filing_id) == before


class _StricterObjectionRaised(shared_events.ObjectionRaised):
    """A shared schema stricter than the form: text the form takes, the event refuses."""

    text: Annotated[str, StringConstraints(max_length=5)]  # type: ignore[assignment]


async def test_input_the_outgoing_event_refuses_is_422_and_changes_nothing(
    filing, filing_settings, staff_headers, enterprise_headers, monkeypatch
):
    enterprise = await enterprise_headers(USCC)
    staff = await staff_headers(Role.CITY_CENTER)
    filing_id = await submitted(filing, enterprise, USCC)
    await accept(filing, staff, filing_id)
    before = await view(filing, staff, filing_id)

    with monkeypatch.context() as patched:
        patched.setattr(shared_events, "ObjectionRaised", _StricterObjectionRaised)
        response = await object_to(filing, filing_id, OBJECTION | {"text": "考评人员数量不足"})

    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["title"] == "请求数据不合法"
    assert problem["detail"] == "提交的内容不符合要求，请修改后重试"
    assert problem["errors"] == [{"field": "text", "message": "长度不能超过 5 个字符"}]
    assert await view(filing, staff, filing_id) == before
    # The next objection is the first one stored and published.
    assert (await object_to(filing, filing_id)).status_code == 201
    records = await published(filing_settings, has("objection.raised", filing_id))
    raised = [r for r in of_filing(records, filing_id) if kind_of(r) == "objection.raised"]
    assert len(raised) == 1
    assert raised[0].json()["data"]["text"] == OBJECTION["text"]
