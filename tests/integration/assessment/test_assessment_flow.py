"""A plan from draft to acceptance, candidates (valid, ineligible, 破格, bad ID, duplicate),
results for each method, a roster built, exported and submitted: over HTTP against real Kafka
and the database, with the events read back from the topic."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from skilleval_shared import topics
from skilleval_shared.auth import Role
from skilleval_shared.envelope import wrap
from skilleval_shared.events import filing
from support.assessment_samples import (
    CLIENT_USCC,
    SERIAL,
    USCC,
    candidate,
    on_file,
    plan_body,
    plan_content,
    resident_id,
)
from support.kafka import eventually, read_until

pytestmark = pytest.mark.integration
TODAY = date.today().isoformat()


async def test_a_suspended_enterprise_cannot_start_a_plan(
    assessment, headers, publish_filing
) -> None:
    await on_file(assessment, publish_filing, "filed", "suspended")
    response = await assessment.post(
        "/api/v1/plans", json=plan_body(), headers=headers(Role.ENTERPRISE, USCC)
    )
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "暂停" in response.json()["detail"]


async def test_a_level_outside_the_entrustment_is_refused(
    assessment, headers, publish_filing
) -> None:
    await on_file(assessment, publish_filing, "filed", "entrusted")
    body = plan_body(entrustment_id="ent-1", client_uscc=CLIENT_USCC)
    response = await assessment.post(
        "/api/v1/plans", json=body, headers=headers(Role.ENTERPRISE, USCC)
    )
    assert response.status_code == 403
    assert "委托评价协议约定的范围" in response.json()["detail"]


async def test_plan_to_roster(assessment, assessment_settings, headers, publish_filing) -> None:
    await on_file(assessment, publish_filing, "filed")
    enterprise = headers(Role.ENTERPRISE, USCC)
    city = headers(Role.CITY_CENTER)
    created = await assessment.post("/api/v1/plans", json=plan_body(), headers=enterprise)
    assert created.status_code == 201, created.text
    plan_id = created.json()["plan_id"]
    base = f"/api/v1/plans/{plan_id}"
    other = headers(Role.ENTERPRISE, CLIENT_USCC)
    assert (await assessment.get(base, headers=other)).status_code == 404

    async def register(n: int, **fields: Any) -> Any:
        return await assessment.post(
            f"{base}/candidates", json=candidate(n, **fields), headers=enterprise
        )

    valid = await register(1)
    assert valid.status_code == 201, valid.text
    assert valid.json()["eligibility"]["condition_id"] == "2018-4-2"
    breakout = await register(
        2, years_in_occupation=1, condition_id="x-4", ground="市级竞赛第二名", evidence="获奖证书"
    )
    assert breakout.json()["eligibility"]["exceptional"] is True
    welder = await register(3, occupation_code="6-18-02-04", work_type=None, level=5, post="焊接")
    assert welder.status_code == 201
    ineligible = await register(4, years_in_occupation=2)
    assert ineligible.status_code == 201, ineligible.text  # recorded, 资格审核 not passed
    assert ineligible.json()["eligibility"]["eligible"] is False
    assert "不符合四级/中级工申报条件" in ineligible.json()["eligibility"]["reason"]
    seen_by_centre = await assessment.get(f"{base}/candidates", headers=city)
    assert seen_by_centre.status_code == 200, seen_by_centre.text
    outcome = {
        r["registration_id"]: r["eligibility"] for r in seen_by_centre.json()["registrations"]
    }
    assert outcome[ineligible.json()["registration_id"]]["eligible"] is False
    bad_id = await register(5, id_number=resident_id(5)[:-1] + "Y")
    assert bad_id.status_code == 422
    duplicate = await register(1, level=3, certificate_level=4)
    assert duplicate.status_code == 409
    assert "已在本方案报名" in duplicate.json()["detail"]

    submitted = await assessment.post(f"{base}/submit", headers=enterprise)
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["candidate_count"] == 3
    forbidden = await assessment.post(f"{base}/accept", headers=enterprise)
    assert forbidden.status_code == 403
    returned = await assessment.post(
        f"{base}/return",
        json={"remarks": [{"item": "staff", "text": "请补充考评员证号"}]},
        headers=city,
    )
    assert returned.json()["status"] == "returned"
    assert (await assessment.post(f"{base}/submit", headers=enterprise)).status_code == 200
    accepted = await assessment.post(f"{base}/accept", headers=city)
    assert accepted.json()["status"] == "accepted"

    ids = [valid.json()["registration_id"], breakout.json()["registration_id"]]
    examiners = ["王五", "赵六", "孙七"]
    results = await assessment.post(
        f"{base}/results",
        json={
            "results": [
                {
                    "registration_id": ids[0],
                    "scores": {"理论知识": 75, "操作技能": 80},
                    "evaluated_on": TODAY,
                    "examiners": examiners,
                },
                {
                    "registration_id": ids[1],
                    "scores": {"理论知识": 58, "操作技能": 90},
                    "evaluated_on": TODAY,
                    "examiners": examiners,
                },
                {
                    "registration_id": welder.json()["registration_id"],
                    "evaluated_on": TODAY,
                    "examiners": ["王五"],
                    "evidence": "全国焊工技能大赛一等奖",
                },
            ]
        },
        headers=enterprise,
    )
    assert results.status_code == 200, results.text
    assert [r["passed"] for r in results.json()["results"]] == [True, False, True]
    no_result = await assessment.post(
        f"{base}/results",
        json={
            "results": [
                {
                    "registration_id": ineligible.json()["registration_id"],
                    "scores": {"理论知识": 90, "操作技能": 90},
                    "evaluated_on": TODAY,
                    "examiners": examiners,
                }
            ]
        },
        headers=enterprise,
    )
    assert no_result.status_code == 422
    assert "资格审核未通过" in no_result.json()["errors"][0]["message"]
    no_reason = await assessment.post(
        f"{base}/results/{ids[1]}/correction",
        json={"result": {"registration_id": ids[1], "evaluated_on": TODAY, "examiners": examiners}},
        headers=enterprise,
    )
    assert no_reason.status_code == 422
    corrected = await assessment.post(
        f"{base}/results/{ids[1]}/correction",
        json={
            "result": {
                "registration_id": ids[1],
                "scores": {"理论知识": 66, "操作技能": 90},
                "evaluated_on": TODAY,
                "examiners": examiners,
            },
            "reason": "理论试卷复核后更正为66分",
        },
        headers=enterprise,
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["passed"] is True

    exported = await assessment.get(f"{base}/roster.xlsx", headers=enterprise)
    assert exported.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(exported.content)).get_sheet_by_index(0)
    table = sheet.to_python()
    assert table[0] == [
        "序号", "评价机构编码", "评价机构名称", "姓名", "证件类型", "证件号", "性别", "出生日期",
        "联系电话", "电子邮箱", "是否本企业职工", "所在单位", "从事本职业(工种)时间", "所在岗位",
        "入职时间", "职业编码", "职业名称", "工种名称", "职业技能等级", "证书编号", "发证日期",
    ]  # fmt: skip
    first, _, welder_row = table[1:4]
    assert first[1] == SERIAL and first[10] == "是" and first[17] == "数控车工"
    assert first[18] == "四级/中级工" and first[19] == "" and first[20] == ""
    assert welder_row[17] == "--" and welder_row[18] == "五级/初级工"

    roster = await assessment.post(f"{base}/roster", headers=enterprise)
    assert roster.status_code == 200, roster.text
    again = await assessment.post(f"{base}/roster", headers=enterprise)
    assert again.json()["roster_id"] == roster.json()["roster_id"]
    roster_id = roster.json()["roster_id"]

    topic = assessment_settings.topic(topics.ASSESSMENT_EVENTS)

    def roster_complete(records: list[Any]) -> bool:
        return any(r.json()["type"].endswith(".roster.submitted.v1") for r in records)

    records = await read_until(assessment_settings.kafka_bootstrap_servers, topic, roster_complete)
    kinds = [".".join(r.json()["type"].split(".")[3:5]) for r in records]
    assert kinds == [
        "enrolment.registered",
        "enrolment.registered",
        "enrolment.registered",
        "enrolment.registered",  # the ineligible one, recorded with its reason
        "plan.submitted",
        "plan.returned",
        "plan.resubmitted",
        "plan.accepted",
        "results.recorded",
        "results.corrected",
        "roster-rows.submitted",
        "roster.submitted",
    ]
    assert all(r.key == USCC.encode() for r in records)
    header = records[-1].json()["data"]
    assert header["roster_id"] == roster_id and header["row_count"] == 3
    rows = records[-2].json()["data"]["rows"]
    assert [row["name"] for row in rows] == ["职工1", "职工2", "职工3"]
    plan_event = records[4].json()["data"]
    assert plan_event["candidate_count"] == 3 and len(json.dumps(plan_event)) < 256 * 1024


async def test_no_plan_and_no_registration_under_a_suspended_entrustment(
    assessment, headers, publish_filing
) -> None:
    await on_file(assessment, publish_filing, "filed", "entrusted")
    enterprise = headers(Role.ENTERPRISE, USCC)
    lathe = plan_content().subjects[0].model_copy(update={"levels": frozenset({4, 3})})
    body = plan_content(
        entrustment_id="ent-1", client_uscc=CLIENT_USCC, subjects=(lathe,)
    ).model_dump(mode="json")
    created = await assessment.post("/api/v1/plans", json=body, headers=enterprise)
    assert created.status_code == 201, created.text
    plan_id = created.json()["plan_id"]
    first = await assessment.post(
        f"/api/v1/plans/{plan_id}/candidates", json=candidate(1), headers=enterprise
    )
    assert first.status_code == 201, first.text

    parties = {
        "uscc": USCC,
        "entrustment_id": "ent-1",
        "client_uscc": CLIENT_USCC,
        "client_name": "青岛委托制造有限公司",
    }
    suspended = filing.EntrustmentSuspended(
        **parties, party_uscc=CLIENT_USCC, suspended_on=date.today(), reason="委托方已暂停评价"
    )
    await publish_filing(wrap(suspended).model_copy(update={"sequence": "2000"}))
    projection = assessment.app.state.enterprises

    async def held(reason: str | None) -> bool:
        found = await projection.get(USCC)
        return found is not None and found.entrustments["ent-1"].suspended_reason == reason

    await eventually(lambda: held("委托方已暂停评价"))
    refused = await assessment.post("/api/v1/plans", json=body, headers=enterprise)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "委托评价协议已中止（委托方已暂停评价），不能开展评价"
    registration = await assessment.post(
        f"/api/v1/plans/{plan_id}/candidates", json=candidate(2), headers=enterprise
    )
    assert registration.status_code == 403
    assert "委托评价协议已中止" in registration.json()["detail"]
    listed = await assessment.get(f"/api/v1/plans/{plan_id}/candidates", headers=enterprise)
    assert listed.json()["count"] == 1

    resumed = filing.EntrustmentResumed(**parties, resumed_on=date.today())
    await publish_filing(wrap(resumed).model_copy(update={"sequence": "3000"}))
    await eventually(lambda: held(None))
    again = await assessment.post(
        f"/api/v1/plans/{plan_id}/candidates", json=candidate(2), headers=enterprise
    )
    assert again.status_code == 201, again.text
