"""Closer to 青人社发〔2020〕7号, over HTTP against real Kafka and the real database:

- the institution serial (certificate number positions 8–13) is the province's, recorded on the
  filing by staff, validated, audited in the filing's history and published;
- the city centre's review records 符合/不符合 on each of the six 自主评价条件, and only a filing
  meeting all six is accepted for public notice;
- only enterprises registered in Qingdao file here; the application says which route
  (隶属关系) and the filing where it belongs; 准入类 occupations never enter a catalog.
"""

from __future__ import annotations

from typing import Any

import pytest

from integration.filing.filed import put_on_file
from skilleval_shared.auth import Role
from support import filing_samples as samples
from support.filing_flows import (
    accept,
    create_draft,
    has,
    kind_of,
    of_filing,
    published,
    submitted,
    view,
)
from support.filing_samples import application_json, catalog_json, condition_findings
from support.samples import ELSEWHERE_USCC, OTHER_USCC, USCC

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    problem: dict[str, Any] = response.json()
    return problem


# --- 1. the institution serial -------------------------------------------------------------


async def test_staff_record_the_provinces_serial_and_it_is_audited_and_published(
    filing, filing_settings, staff_headers, enterprise_headers
):
    city = await staff_headers(Role.CITY_CENTER)
    province = await staff_headers(Role.PROVINCE_CENTER)
    owner = await enterprise_headers(USCC)
    # Filed before the province assigned the serial.
    record = await samples.put_on_file(filing.app.state.filing.filings, USCC, serial_recorded=False)
    filing_id = record.id
    url = f"/api/v1/filings/{filing_id}/institution-serial"

    pending = await view(filing, owner, filing_id)
    assert pending["institution_serial"] is None
    assert pending["institution_serial_pending"] is True
    assert "机构序号待省中心分配" in pending["institution_serial_note"]
    assert pending["receipt"]["certificate_number_prefix"] is None
    listed = await filing.get("/api/v1/filings", headers=city, params={"status": "filed"})
    assert [(i["filing_id"], i["institution_serial_pending"]) for i in listed.json()["items"]] == [
        (filing_id, True)
    ]

    # The enterprise may not record it; bad formats are Chinese problems and change nothing.
    _problem(await filing.put(url, headers=owner, json={"institution_serial": "000123"}), 403)
    for wrong in ("12345", "1234567", "00012A", "０００１２３"):
        problem = _problem(
            await filing.put(url, headers=city, json={"institution_serial": wrong}), 422
        )
        assert "机构序号应为6位数字" in problem["detail"]
    assert (await view(filing, city, filing_id))["version"] == pending["version"]

    recorded = await filing.put(url, headers=province, json={"institution_serial": " 370123 "})
    assert recorded.status_code == 200, recorded.text
    body = recorded.json()
    assert body["institution_serial"] == "370123"
    assert body["institution_serial_pending"] is False
    assert body["institution_serial_note"] is None
    assert body["receipt"]["certificate_number_prefix"] == "Y000037370123"
    entry = body["history"][-1]
    assert entry["action"] == "record_institution_serial"
    assert entry["action_label"] == "登记机构序号"
    assert entry["actor_label"] == "省职业技能鉴定指导中心"
    assert entry["detail"] == "机构序号：待省中心分配 → 370123"

    # Recording the same serial again changes nothing; a correction is audited too.
    again = await filing.put(url, headers=city, json={"institution_serial": "370123"})
    assert again.json()["version"] == body["version"]
    corrected = await filing.put(url, headers=city, json={"institution_serial": "370124"})
    assert corrected.json()["history"][-1]["detail"] == "机构序号：370123 → 370124"

    records = of_filing(
        await published(filing_settings, has("filing.institution-serial-recorded", filing_id, 2)),
        filing_id,
    )
    serials = [
        (r.json()["data"].get("previous_serial"), r.json()["data"]["institution_serial"])
        for r in records
        if kind_of(r) == "filing.institution-serial-recorded"
    ]
    assert serials == [(None, "370123"), ("370123", "370124")]
    assert {r.key for r in records} == {USCC.encode()}


# --- 2. the six 自主评价条件 ------------------------------------------------------------------


async def test_acceptance_needs_all_six_conditions_met(
    filing, filing_settings, staff_headers, enterprise_headers
):
    city = await staff_headers(Role.CITY_CENTER)
    owner = await enterprise_headers(USCC)
    filing_id = await submitted(filing, owner, USCC)
    url = f"/api/v1/filings/{filing_id}/accept"
    before = await view(filing, city, filing_id)

    missing = _problem(await filing.post(url, headers=city), 422)
    assert "须对六项自主评价条件逐项填写审核结论" in missing["detail"]
    assert "纳税与社保" in missing["detail"] and "技能与薪酬挂钩" in missing["detail"]

    five = condition_findings()[:5]
    partial = _problem(await filing.post(url, headers=city, json={"conditions": five}), 422)
    assert "尚缺：“技能与薪酬挂钩”" in partial["detail"]

    unmet = condition_findings("education_funds", "pay_linked")
    refused = _problem(await filing.post(url, headers=city, json={"conditions": unmet}), 422)
    assert refused["detail"].startswith("自主评价条件“职工教育经费”、“技能与薪酬挂钩”不符合")
    assert "不能评估合格进入公示" in refused["detail"]
    assert {e["field"] for e in refused["errors"]} == {
        "conditions.education_funds",
        "conditions.pay_linked",
    }
    # Nothing changed.
    assert (await view(filing, city, filing_id))["version"] == before["version"]
    assert (await view(filing, city, filing_id))["status"] == "submitted"

    accepted = await accept(filing, city, filing_id)
    assert [c["verdict"] for c in accepted["conditions"]] == ["符合"] * 6
    assert [c["label"] for c in accepted["conditions"]] == [
        "纳税与社保",
        "规章制度",
        "技能含量",
        "职工教育经费",
        "评价机构与场地设备",
        "技能与薪酬挂钩",
    ]
    entry = accepted["history"][-1]
    assert entry["action_label"] == "评估合格并公示"
    assert entry["detail"].startswith("自主评价条件：纳税与社保：符合；")
    assert len(entry["findings"]) == 6

    records = of_filing(
        await published(filing_settings, has("filing.accepted", filing_id)), filing_id
    )
    kinds = [kind_of(r) for r in records]
    assert kinds[-3:] == ["filing.conditions-reviewed", "filing.accepted", "notice.started"]
    reviewed = records[-3].json()["data"]
    assert [f["condition"] for f in reviewed["findings"]] == [
        "tax_and_social_security",
        "personnel_rules",
        "skill_content",
        "education_funds",
        "evaluation_body",
        "pay_linked",
    ]


async def test_unmet_conditions_become_the_return_and_rejection_remarks(
    filing, filing_settings, staff_headers, enterprise_headers
):
    city = await staff_headers(Role.CITY_CENTER)
    owner = await enterprise_headers(USCC)
    filing_id = await submitted(filing, owner, USCC)

    returned = await filing.post(
        f"/api/v1/filings/{filing_id}/return",
        headers=city,
        json={"conditions": condition_findings("skill_content")},
    )
    assert returned.status_code == 200, returned.text
    body = returned.json()
    assert body["status"] == "returned"
    assert body["return_remarks"] == [
        {
            "item": "condition:skill_content",
            "text": "自主评价条件“技能含量”不符合：经核查不符合要求，请补充证明材料",
        }
    ]
    assert [c["verdict"] for c in body["conditions"]][2] == "不符合"
    assert "技能含量：不符合（经核查不符合要求" in body["history"][-1]["detail"]
    # The enterprise sees the findings and the remarks of its own filing.
    own = await view(filing, owner, filing_id)
    assert own["return_remarks"] == body["return_remarks"]

    resubmitted = await filing.post(f"/api/v1/filings/{filing_id}/resubmit", headers=owner)
    assert resubmitted.status_code == 200, resubmitted.text
    rejected = await filing.post(
        f"/api/v1/filings/{filing_id}/reject",
        headers=city,
        json={
            "reason": "技能含量不符合自主评价条件",
            "conditions": condition_findings("skill_content", "tax_and_social_security"),
        },
    )
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "rejected"

    records = of_filing(
        await published(filing_settings, has("filing.rejected", filing_id)), filing_id
    )
    data = {kind_of(r): r.json()["data"] for r in records}
    assert data["filing.returned"]["remarks"][0]["item"] == "condition:skill_content"
    assert [r["item"] for r in data["filing.rejected"]["remarks"]] == [
        "condition:tax_and_social_security",
        "condition:skill_content",
    ]
    assert [k for k in map(kind_of, records)].count("filing.conditions-reviewed") == 2

    # A half-filled list is refused, and the filing stays as it was.
    other = await submitted(filing, await enterprise_headers(OTHER_USCC), OTHER_USCC)
    problem = _problem(
        await filing.post(
            f"/api/v1/filings/{other}/return",
            headers=city,
            json={"conditions": condition_findings()[:2], "remarks": []},
        ),
        422,
    )
    assert "尚缺" in problem["detail"]
    assert (await view(filing, city, other))["status"] == "submitted"


# --- 3. who may file here ------------------------------------------------------------------


async def test_an_enterprise_registered_outside_qingdao_is_sent_to_its_own_authority(
    filing, enterprise_headers
):
    outsider = await enterprise_headers(ELSEWHERE_USCC)
    problem = _problem(await filing.post("/api/v1/filings", headers=outsider), 403)
    assert "不在青岛市行政区域内" in problem["detail"]
    assert "请向注册地人力资源社会保障部门" in problem["detail"]
    assert "350100" in problem["detail"]


async def test_the_application_records_its_route_and_the_filing_says_where_it_belongs(
    filing, enterprise_headers
):
    owner = await enterprise_headers(USCC)
    filing_id = await create_draft(filing, owner)
    draft = await view(filing, owner, filing_id)
    assert draft["jurisdiction"]["note"] == "尚未填写隶属关系"
    assert "隶属关系" in draft["missing"]["fields"]

    base = f"/api/v1/filings/{filing_id}/application"
    provincial = await filing.put(
        base, headers=owner, json=application_json(USCC, affiliation="省属企业")
    )
    assert provincial.status_code == 200, provincial.text
    where = provincial.json()["jurisdiction"]
    assert where["affiliation"] == "省属企业"
    assert "山东省职业技能鉴定指导中心" in where["filed_with"]
    assert "在本系统提交即向青岛市职业技能鉴定中心备案" in where["note"]

    central = await filing.put(
        base, headers=owner, json=application_json(USCC, affiliation="中央驻青企业")
    )
    assert "人力资源社会保障部" in central.json()["jurisdiction"]["note"]

    wrong = _problem(
        await filing.put(
            base, headers=owner, json=application_json(USCC) | {"affiliation": "外省"}
        ),
        422,
    )
    assert wrong["errors"], wrong


async def test_access_type_occupations_never_enter_a_catalog(
    filing, filing_settings, enterprise_headers
):
    owner = await enterprise_headers(USCC)
    filing_id = await create_draft(filing, owner)
    rows = catalog_json()["rows"] + [
        {
            "occupation_name": "轨道列车司机",
            "occupation_code": "4-02-01-01",
            "work_type": None,
            "levels": [5, 4],
            "standard": "国家标准",
        }
    ]
    body = catalog_json() | {"rows": rows}
    problem = _problem(
        await filing.put(f"/api/v1/filings/{filing_id}/catalog", headers=owner, json=body), 422
    )
    assert "准入类职业资格" in problem["detail"]
    assert problem["errors"] == [
        {
            "field": "rows[2]",
            "message": "第3行：“轨道列车司机”属于准入类职业资格，不能纳入企业技能人才自主评价",
        }
    ]
    assert (await view(filing, owner, filing_id))["catalog"] is None

    # A catalog change of a filed enterprise is held to the same list.
    await put_on_file(filing.app, OTHER_USCC)
    other = await enterprise_headers(OTHER_USCC)
    change = {
        "operations": [
            {
                "op": "add",
                "row": {
                    "occupation_name": "游泳救生员",
                    "occupation_code": "4-13-04-02",
                    "levels": [5],
                    "standard": "国家标准",
                },
            }
        ],
        "explanation": "新增救生员评价",
    }
    refused = _problem(
        await filing.post(
            f"/api/v1/enterprises/{OTHER_USCC}/catalog/changes", headers=other, json=change
        ),
        422,
    )
    assert "调整后的目录中有准入类职业资格" in refused["detail"]
    assert "“游泳救生员”属于准入类职业资格" in refused["errors"][0]["message"]
    listed = await filing.get(f"/api/v1/enterprises/{OTHER_USCC}/catalog/changes", headers=other)
    assert listed.status_code == 200 and listed.json()["items"] == []
