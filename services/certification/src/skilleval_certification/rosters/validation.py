"""Row checks of a roster (附件3), in two passes.

On arrival, each chunk's rows are checked against what needs no header: identity, the
institution's catalog and entrustments, and valid certificates already held; the person's
results of every plan are looked up and kept with the row. When the header has come (the roster
is complete), the roster-wide checks run in memory: the plan, the institution's status on the
evaluation date, the result under this plan, and duplicates inside the roster.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from skilleval_certification.evaluations.model import Plan, person_key, plan_problem
from skilleval_certification.institutions.model import (
    Institution,
    entrustment_problem,
    status_problem,
)
from skilleval_shared.events.roster import RosterRow
from skilleval_shared.fields import Email
from skilleval_shared.validation.id_number import IdType, validate_resident_id

_EMAIL: TypeAdapter[str] = TypeAdapter(Email)


def email_problem(email: str | None) -> Problem | None:
    """The certificate's events carry the holder's email as ``Email``: a row whose address would
    be refused there must fail here, not stop the numbering of its whole roster."""
    if email is None:
        return None
    try:
        _EMAIL.validate_python(email)
    except ValidationError:
        return Problem(column="email", message="电子邮箱格式不正确")
    return None


class Problem(BaseModel):
    model_config = ConfigDict(frozen=True)

    column: str
    message: str


class CheckedRow(BaseModel):
    """A row, what is wrong with it, and the person's results by plan (passed or not)."""

    model_config = ConfigDict(frozen=True)

    row: RosterRow
    problems: tuple[Problem, ...] = ()
    results: dict[str, bool] = {}

    @property
    def ok(self) -> bool:
        return not self.problems

    def key(self) -> str:
        row = self.row
        return person_key(row.id_type, row.id_number, row.occupation_code, row.level)


def identity_problems(row: RosterRow) -> list[Problem]:
    if row.id_type != IdType.RESIDENT_ID:
        return []
    try:
        number = validate_resident_id(row.id_number)
    except ValueError as error:
        return [Problem(column="id_number", message=str(error))]
    problems = []
    born = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
    if row.birth_date.isoformat() != born:
        problems.append(
            Problem(column="birth_date", message=f"出生日期与身份证号码不符（应为{born}）")
        )
    sex = "男" if int(number[16]) % 2 else "女"
    if row.gender.value != sex:
        problems.append(Problem(column="gender", message=f"性别与身份证号码不符（应为{sex}）"))
    return problems


def check_row(
    row: RosterRow,
    *,
    institution: Institution | None,
    held: Set[str],
) -> list[Problem]:
    """The checks that need no roster header."""
    problems = identity_problems(row)
    if row.certificate_number is not None or row.issue_date is not None:
        problems.append(
            Problem(column="certificate_number", message="报送名册时证书编号和发证日期应为空")
        )
    if problem := email_problem(row.email):
        problems.append(problem)
    if row.hire_date < row.birth_date:
        problems.append(Problem(column="hire_date", message="入职时间早于出生日期"))
    if institution is not None and not institution.evaluates(
        row.occupation_code, row.work_type, row.level
    ):
        problems.append(
            Problem(
                column="occupation_code",
                message="职业（工种）或等级不在评价机构备案的职业目录或已备案的委托评价范围内",
            )
        )
    key = person_key(row.id_type, row.id_number, row.occupation_code, row.level)
    if key in held:
        problems.append(Problem(column="id_number", message="该人员已持有同职业同等级的有效证书"))
    return problems


def check_chunk(
    rows: Sequence[RosterRow],
    *,
    institution: Institution | None,
    held: Set[str],
    results: Mapping[str, Mapping[str, bool]],
) -> list[CheckedRow]:
    checked = []
    for row in rows:
        key = person_key(row.id_type, row.id_number, row.occupation_code, row.level)
        checked.append(
            CheckedRow(
                row=row,
                problems=tuple(check_row(row, institution=institution, held=held)),
                results=dict(results.get(key, {})),
            )
        )
    return checked


def check_roster(
    rows: Sequence[CheckedRow],
    *,
    institution_uscc: str,
    plan_id: str,
    plan: Plan | None,
    institution: Institution | None,
) -> list[CheckedRow]:
    """The roster-wide checks, once every chunk is in; rows in 序号 order."""
    shared: list[Problem] = []
    if problem := plan_problem(plan, institution_uscc):
        shared.append(Problem(column="*", message=problem))
    if plan is not None and (problem := status_problem(institution, plan.ends_on)):
        shared.append(Problem(column="*", message=problem))
    first_seen: dict[str, int] = {}
    checked = []
    for item in sorted(rows, key=lambda item: item.row.seq):
        problems = list(shared) + list(item.problems)
        row = item.row
        if plan is not None and (
            problem := entrustment_problem(
                institution,
                row.occupation_code,
                row.work_type,
                row.level,
                start=plan.starts_on,
                end=plan.ends_on,
            )
        ):
            problems.append(Problem(column="occupation_code", message=problem))
        passed = item.results.get(plan_id)
        if passed is None:
            problems.append(
                Problem(column="name", message="该人员不在评价考核方案的考生名单中或尚无评价结果")
            )
        elif not passed:
            problems.append(Problem(column="name", message="该人员评价结果为不合格"))
        key = item.key()
        if key in first_seen:
            problems.append(
                Problem(
                    column="id_number",
                    message=f"与第{first_seen[key]}行重复（同一人员、职业和等级）",
                )
            )
        else:
            first_seen[key] = item.row.seq
        checked.append(item.model_copy(update={"problems": tuple(problems)}))
    return checked


def with_outcome(
    rows: Sequence[CheckedRow], stored: Sequence[Mapping[str, Any]]
) -> list[CheckedRow]:
    """The rows as a stored outcome has them: a row stored there as it is stored (with its
    problems), any other as passed. (Rosters validated before outcomes held only the failing
    rows stored every row: the same rule reads them.)"""
    outcome = {item.row.seq: item for item in map(CheckedRow.model_validate, stored)}
    return [outcome.get(item.row.seq, item.model_copy(update={"problems": ()})) for item in rows]
