"""The result import sheet: a template per plan (its eligible candidates and the scored
components of its schemes), and reading an upload (xlsx or CSV) into result inputs, each bad row
reported with its number, column and reason. Row numbers are the sheet's own: the header is 1."""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import Workbook
from pydantic import ValidationError

from skilleval_assessment.candidates.model import RowError
from skilleval_assessment.candidates.sheets import MAX_ROWS, SheetError, cell_text, table_of
from skilleval_assessment.plans.model import Plan, scheme_for
from skilleval_assessment.results.model import Enrolled, ResultInput
from skilleval_shared.problems import field_errors

REGISTRATION = "报名编号"
NAME = "姓名"
ID_NUMBER = "证件号"
EVALUATED_ON = "评价日期"
EXAMINERS = "考评人员"
EVIDENCE = "直接认定证明材料"
EVIDENCE_SHA256 = "证明材料SHA-256"
FIXED = (REGISTRATION, NAME, ID_NUMBER)
TRAILING = (EVALUATED_ON, EXAMINERS, EVIDENCE, EVIDENCE_SHA256)
COLUMN_OF_FIELD = {
    "registration_id": REGISTRATION,
    "evaluated_on": EVALUATED_ON,
    "examiners": EXAMINERS,
    "evidence": EVIDENCE,
    "evidence_sha256": EVIDENCE_SHA256,
}
_SEPARATORS = re.compile(r"[、，,；;/\s]+")

__all__ = ["SheetError", "components_of", "read", "template_xlsx"]


def components_of(plan: Plan) -> list[str]:
    """Every scored component of the plan's levels, in the order the schemes name them."""
    names: list[str] = []
    for subject in plan.content.subjects:
        for level in sorted(subject.levels, reverse=True):
            scheme = scheme_for(subject, level)
            for component in scheme.components if scheme else ():
                if component.name not in names:
                    names.append(component.name)
    return names


def template_xlsx(plan: Plan, registrations: list[Enrolled]) -> bytes:
    """The plan's sheet, one row per eligible candidate, the scores left to fill in."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("成绩")
    sheet.append([*FIXED, *components_of(plan), *TRAILING])
    for registration in sorted(registrations, key=lambda r: r.registration_id):
        if registration.eligible:
            sheet.append([registration.registration_id, registration.name, registration.id_number])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read(
    content: bytes, kind: str, components: list[str]
) -> tuple[list[tuple[int, ResultInput]], list[RowError]]:
    table = table_of(content, kind)
    if not table:
        raise SheetError("文件中没有表头")
    headers = [cell_text(title) or "" for title in table[0]]
    known = {*FIXED, *components, *TRAILING}
    unknown = [title for title in headers if title and title not in known]
    if unknown:
        raise SheetError(f"无法识别的列：{'、'.join(unknown)}（请使用下载的成绩模板）")
    if REGISTRATION not in headers:
        raise SheetError(f"缺少“{REGISTRATION}”列（请使用下载的成绩模板）")
    if len(table) - 1 > MAX_ROWS:
        raise SheetError(f"一次最多导入{MAX_ROWS}行")
    inputs: list[tuple[int, ResultInput]] = []
    errors: list[RowError] = []
    for number, cells in enumerate(table[1:], start=2):
        row = {
            title: text
            for title, cell in zip(headers, cells, strict=False)
            if title and (text := cell_text(cell)) is not None
        }
        if not set(row) - {NAME, ID_NUMBER}:
            continue  # an empty line, or a template row left unfilled
        found = _input(number, row, components)
        if isinstance(found, list):
            errors.extend(found)
        else:
            inputs.append((number, found))
    return inputs, errors


def _input(number: int, row: dict[str, str], components: list[str]) -> ResultInput | list[RowError]:
    errors: list[RowError] = []
    scores: dict[str, float] = {}
    for name in components:
        if name in row:
            try:
                scores[name] = float(row[name])
            except ValueError:
                errors.append(RowError(number, name, "成绩应为0至100之间的数字"))
    values: dict[str, Any] = {
        "registration_id": row.get(REGISTRATION, ""),
        "scores": scores,
        "evaluated_on": row.get(EVALUATED_ON),
        "examiners": tuple(n for n in _SEPARATORS.split(row.get(EXAMINERS, "")) if n),
        "evidence": row.get(EVIDENCE),
        "evidence_sha256": row.get(EVIDENCE_SHA256),
    }
    try:
        given = ResultInput.model_validate(values)
    except ValidationError as error:
        found = field_errors(error.errors(include_url=False, include_input=False))
        for item in found:
            field, *rest = item["field"].split(".")
            column = rest[0] if field == "scores" and rest else COLUMN_OF_FIELD.get(field, field)
            errors.append(RowError(number, column, item["message"]))
        return errors
    return errors or given
