"""Bad input to the filing endpoints: each a problem+json 4xx in Chinese that changes nothing."""

from __future__ import annotations

import json

import pytest

from skilleval_filing.filings.materials import MaterialKind
from skilleval_shared.auth import Role
from support.filing_flows import (
    create_draft,
    fill_draft,
    published,
    submitted,
    upload,
    view,
)
from support.filing_samples import (
    CATALOG_ROWS,
    pdf,
)
from support.filing_samples import (
    application_json as application,
)
from support.filing_samples import (
    catalog_json as catalog,
)
from support.samples import OTHER_USCC, USCC

pytestmark = pytest.mark.integration


def _is_problem(response, status):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()


async def test_submitting_an_incomplete_filing_lists_exactly_what_is_missing(
    filing, filing_settings, enterprise_headers
):
    enterprise = await enterprise_headers(USCC)
    filing_id = await create_draft(filing, enterprise)
    partial = application(USCC)
    del partial["address"]
    partial["contact"]["mobile"] = None
    partial["commitment"]["confirmed"] = False
    base = f"/api/v1/filings/{filing_id}"
    assert (await filing.put(f"{base}/application", headers=enterprise, json=partial)).is_success
    uploaded = [MaterialKind.APPLICATION_FORM, MaterialKind.HR_RULES]
    for kind in uploaded:
        assert (await upload(filing, enterprise, filing_id, kind, pdf(kind.value))).is_success
    before = await view(filing, enterprise, filing_id)
    assert before["missing"]["fields"] == ["地址", "联系人手机", "法人代表承诺确认"]

    problem = _is_problem(await filing.post(f"{base}/submit", headers=enterprise), 422)
    assert problem["missing_fields"] == ["地址", "联系人手机", "法人代表承诺确认"]
    missing = [kind for kind in MaterialKind if kind not in uploaded]
    assert [m["kind"] for m in problem["missing_materials"]] == [kind.value for kind in missing]
    assert problem["catalog_missing"] is True
    assert "申请表缺少：地址、联系人手机、法人代表承诺确认" in problem["detail"]
    assert "2. 企业技能人才自主评价工作方案" in problem["detail"]
    assert "1. 企业技能人才自主评价备案申请表" not in problem["detail"]
    assert "目录清单（附表）" in problem["detail"]
    assert len(problem["errors"]) == 3 + len(missing) + 1
    assert await view(filing, enterprise, filing_id) == before

    # Completed, the same filing goes through.
    await fill_draft(filing, enterprise, filing_id, USCC)
    assert (await filing.post(f"{base}/submit", headers=enterprise)).status_code == 200
    records = await published(filing_settings, lambda got: len(got) >= 2)
    submitted_events = [r for r in records if r.json()["type"].endswith("filing.submitted.v1")]
    assert len(submitted_events) == 1  # the refused submission published nothing


async def test_an_illegal_transition_is_409_with_the_reason_and_changes_nothing(
    filing, staff_headers, enterprise_headers
):
    enterprise = await enterprise_headers(USCC)
    staff = await staff_headers(Role.CITY_CENTER)
    filing_id = await create_draft(filing, enterprise)
    base = f"/api/v1/filings/{filing_id}"
    before = await view(filing, staff, filing_id)
    problem = _is_problem(await filing.post(f"{base}/accept", headers=staff), 409)
    assert problem["detail"] == "当前状态为“草稿”，不能执行“评估合格并公示”"
    assert problem["type"].endswith("/illegal-transition")
    _is_problem(await filing.post(f"{base}/resubmit", headers=enterprise), 409)
    revoke = {"reason": "x", "grounds": [{"kind": "other", "explanation": "x"}]}
    _is_problem(await filing.post(f"{base}/revoke", headers=staff, json=revoke), 409)
    assert await view(filing, staff, filing_id) == before

    await fill_draft(filing, enterprise, filing_id, USCC)
    assert (await filing.post(f"{base}/submit", headers=enterprise)).status_code == 200
    before = await view(filing, staff, filing_id)
    edit = await filing.put(f"{base}/catalog", headers=enterprise, json=catalog())
    assert _is_problem(edit, 409)["detail"] == "当前状态为“已提交”，不能执行“修改备案申请”"
    _is_problem(await filing.post(f"{base}/submit", headers=enterprise), 409)
    _is_problem(await filing.post("/api/v1/filings", headers=enterprise), 409)
    assert await view(filing, staff, filing_id) == before


@pytest.mark.parametrize(
    "filing_id",
    [
        "nonsense",
        "123",
        f"{USCC}",
        f"{USCC}-x",
        f"{USCC}-99",
        "%20-1",
        # Digits to str.isdigit() but not to int(), or far too many for int().
        pytest.param(f"{USCC}-\u00b2", id="superscript-two"),
        pytest.param(f"{USCC}-1\u00b2", id="digit-and-superscript"),
        pytest.param(f"{USCC}-\u0661", id="arabic-indic-one"),
        pytest.param(f"{USCC}-" + "9" * 5000, id="5000-nines"),
    ],
)
async def test_a_malformed_or_unknown_filing_id_is_404(
    filing, staff_headers, enterprise_headers, filing_id
):
    enterprise = await enterprise_headers(USCC)
    staff = await staff_headers(Role.CITY_CENTER)
    _is_problem(await filing.get(f"/api/v1/filings/{filing_id}", headers=staff), 404)
    _is_problem(await filing.get(f"/api/v1/filings/{filing_id}", headers=enterprise), 404)
    _is_problem(await filing.post(f"/api/v1/filings/{filing_id}/accept", headers=staff), 404)
    objection = {"text": "异议", "contact_phone": "13800138000"}
    url = f"/api/v1/public/notices/{filing_id}/objections"
    _is_problem(await filing.post(url, json=objection), 404)


async def test_a_bad_occupation_code_is_422_in_chinese_and_keeps_the_saved_catalog(
    filing, enterprise_headers
):
    enterprise = await enterprise_headers(USCC)
    filing_id = await create_draft(filing, enterprise)
    url = f"/api/v1/filings/{filing_id}/catalog"
    assert (await filing.put(url, headers=enterprise, json=catalog())).status_code == 200
    before = await view(filing, enterprise, filing_id)
    for code in ("6-18-01", "9-18-01-01", "6-18-01-0A"):
        body = catalog()
        body["rows"][0]["occupation_code"] = code
        problem = _is_problem(await filing.put(url, headers=enterprise, json=body), 422)
        assert any("职业编码格式" in error["message"] for error in problem["errors"]), problem
    duplicated = catalog()
    duplicated["rows"].append(dict(duplicated["rows"][0]))
    problem = _is_problem(await filing.put(url, headers=enterprise, json=duplicated), 422)
    assert "重复" in str(problem["errors"])
    body = catalog()
    body["rows"][0]["levels"] = [6]
    _is_problem(await filing.put(url, headers=enterprise, json=body), 422)
    assert await view(filing, enterprise, filing_id) == before
    assert before["catalog"]["rows"][0]["occupation_code"] == CATALOG_ROWS[0]["occupation_code"]


async def test_bad_application_and_review_input_is_422_and_changes_nothing(
    filing, staff_headers, enterprise_headers
):
    enterprise = await enterprise_headers(USCC)
    staff = await staff_headers(Role.CITY_CENTER)
    filing_id = await submitted(filing, enterprise, USCC)
    base = f"/api/v1/filings/{filing_id}"
    before = await view(filing, staff, filing_id)
    no_remarks = await filing.post(f"{base}/return", headers=staff, json={"remarks": []})
    assert "修改意见" in _is_problem(no_remarks, 422)["detail"]
    blank = await filing.post(f"{base}/reject", headers=staff, json={"reason": "   "})
    assert "不能为空" in _is_problem(blank, 422)["detail"]
    unknown = await filing.post(f"{base}/reject", headers=staff, json={"reason": "x", "y": 1})
    _is_problem(unknown, 422)
    assert await view(filing, staff, filing_id) == before

    other = await enterprise_headers(OTHER_USCC)
    draft_id = await create_draft(filing, other)
    draft_before = await view(filing, other, draft_id)
    url = f"/api/v1/filings/{draft_id}/application"
    foreign = await filing.put(url, headers=other, json=application(USCC))
    assert "不一致" in _is_problem(foreign, 422)["detail"]
    bad_phone = await filing.put(url, headers=other, json=application(OTHER_USCC) | {"email": "x"})
    assert _is_problem(bad_phone, 422)["errors"][0]["field"] == "email"
    assert await view(filing, other, draft_id) == draft_before


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"business_scope": "\ud800"}, id="scope-only-a-lone-surrogate"),
        pytest.param({"basic_situation": "职工\udfff1200人"}, id="section-with-a-lone-surrogate"),
        pytest.param({"form_filler": "王\ud83d"}, id="name-with-half-an-emoji"),
    ],
)
async def test_a_lone_surrogate_in_the_application_is_422_and_changes_nothing(
    filing, enterprise_headers, overrides
):
    enterprise = await enterprise_headers(USCC)
    filing_id = await create_draft(filing, enterprise)
    url = f"/api/v1/filings/{filing_id}/application"
    assert (await filing.put(url, headers=enterprise, json=application(USCC))).status_code == 200
    before = await view(filing, enterprise, filing_id)
    # JSON carries it as the escape "\ud800"; json.dumps writes it so (httpx would not).
    body = json.dumps(application(USCC) | overrides)
    headers = enterprise | {"content-type": "application/json"}

    problem = _is_problem(await filing.put(url, headers=headers, content=body), 422)

    [field] = overrides
    assert problem["errors"] == [
        {"field": field, "message": "含有无法识别的字符，请删除后重新输入"}
    ]
    assert await view(filing, enterprise, filing_id) == before


async def test_objections_need_a_way_to_reach_the_objector(
    filing, staff_headers, enterprise_headers
):
    enterprise = await enterprise_headers(USCC)
    staff = await staff_headers(Role.CITY_CENTER)
    filing_id = await submitted(filing, enterprise, USCC)
    url = f"/api/v1/public/notices/{filing_id}/objections"
    # Not on notice yet: the public cannot tell a filing under review from none at all.
    _is_problem(await filing.post(url, json={"text": "异议", "contact_phone": "13800138000"}), 404)
    await filing.post(f"/api/v1/filings/{filing_id}/accept", headers=staff)
    before = await view(filing, staff, filing_id)
    for body in (
        {"text": "没有联系方式"},
        {"text": "电话不对", "contact_phone": "12345"},
        {"text": "", "contact_email": "a@example.com"},
        {"text": "多余字段", "contact_email": "a@example.com", "role": "admin"},
    ):
        _is_problem(await filing.post(url, json=body), 422)
    assert await view(filing, staff, filing_id) == before
