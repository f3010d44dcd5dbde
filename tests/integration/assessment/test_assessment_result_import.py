"""Results imported from a sheet over HTTP: the plan's template (its eligible candidates and
scored components), a CSV whose bad rows are each reported by row, column and Chinese reason
with nothing recorded, then the same sheet imported partially, and an xlsx import."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from skilleval_shared.auth import Role
from support.assessment_samples import USCC, candidate, on_file, plan_body

pytestmark = pytest.mark.integration
TODAY = date.today().isoformat()


async def test_results_import_from_the_template(assessment, headers, publish_filing) -> None:
    await on_file(assessment, publish_filing, "filed")
    enterprise = headers(Role.ENTERPRISE, USCC)
    city = headers(Role.CITY_CENTER)
    created = await assessment.post("/api/v1/plans", json=plan_body(), headers=enterprise)
    base = f"/api/v1/plans/{created.json()['plan_id']}"
    ids = []
    for n in (1, 2, 3, 4):
        registered = await assessment.post(
            f"{base}/candidates", json=candidate(n), headers=enterprise
        )
        assert registered.status_code == 201, registered.text
        ids.append(registered.json()["registration_id"])
    ineligible = await assessment.post(
        f"{base}/candidates", json=candidate(5, years_in_occupation=1), headers=enterprise
    )
    assert ineligible.json()["eligibility"]["eligible"] is False
    assert (await assessment.post(f"{base}/submit", headers=enterprise)).status_code == 200
    assert (await assessment.post(f"{base}/accept", headers=city)).status_code == 200

    template = await assessment.get(f"{base}/result-template.xlsx", headers=enterprise)
    assert template.status_code == 200
    table = CalamineWorkbook.from_filelike(io.BytesIO(template.content))
    rows = table.get_sheet_by_index(0).to_python()
    header = rows[0]
    assert header[:3] == ["报名编号", "姓名", "证件号"]
    assert "理论知识" in header and "操作技能" in header and "评价日期" in header
    assert [row[0] for row in rows[1:]] == ids  # the ineligible candidate is not listed

    def sheet_rows() -> list[list[str]]:
        filled = {"理论知识": "75", "操作技能": "80", "评价日期": TODAY, "考评人员": "王五、赵六"}
        body = []
        for row in rows[1:]:
            body.append(
                [filled.get(title, str(value)) for title, value in zip(header, row, strict=False)]
            )
        body[1][header.index("理论知识")] = "七十"  # not a number
        body[2][header.index("评价日期")] = ""  # missing
        return [header, *body]

    text = io.StringIO()
    csv.writer(text).writerows(sheet_rows())
    content = text.getvalue().encode("utf-8-sig")
    refused = await assessment.post(
        f"{base}/results/import?format=csv", content=content, headers=enterprise
    )
    assert refused.status_code == 422, refused.text
    problems = {(int(e["row"]), e["column"]) for e in refused.json()["errors"]}
    assert problems == {(3, "理论知识"), (4, "评价日期")}
    assert all(e["message"] for e in refused.json()["errors"])
    listed = await assessment.get(f"{base}/results", headers=enterprise)
    assert listed.json()["count"] == 0  # nothing half-imported

    partial = await assessment.post(
        f"{base}/results/import?format=csv&partial=true", content=content, headers=enterprise
    )
    assert partial.status_code == 200, partial.text
    assert partial.json()["recorded"] == 2 and partial.json()["passed"] == 2
    assert {r["row"] for r in partial.json()["rejected_rows"]} == {3, 4}

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("成绩")
    sheet.append(header)
    for row in sheet_rows()[2:4]:
        row[header.index("理论知识")] = "58"
        row[header.index("评价日期")] = TODAY
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    from_xlsx = await assessment.post(
        f"{base}/results/import", content=buffer.getvalue(), headers=enterprise
    )
    assert from_xlsx.status_code == 200, from_xlsx.text
    assert from_xlsx.json() == {"recorded": 2, "passed": 0, "rejected_rows": []}
    listed = (await assessment.get(f"{base}/results", headers=city)).json()
    assert listed["count"] == 4 and listed["passed"] == 2
    first = listed["results"][0]
    assert first["examiners"] == ["王五", "赵六"] and first["evaluated_on"] == TODAY
