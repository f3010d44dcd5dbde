from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from skilleval_filing.catalog.changes import (
    AddRow,
    CatalogChange,
    CatalogVersion,
    ChangeLevels,
    RemoveRow,
    apply_change,
    first_version,
    review_change,
    submit_change,
)
from skilleval_filing.catalog.schemas import ChangeForm
from skilleval_filing.filings.lifecycle import Actor, FilingState
from skilleval_filing.filings.remarks import Remark
from skilleval_filing.review import ReviewState
from skilleval_shared.domain_errors import IllegalTransition, InvalidRequest, NotPermitted
from skilleval_shared.validation import SkillLevel
from support.filing_samples import USCC, catalog, row

FILED_ON = date(2026, 10, 14)
TODAY = date(2026, 12, 1)
MILLER = row(occupation_name="铣工", occupation_code="6-18-01-02", work_type="数控铣工")


def version_one() -> CatalogVersion:
    version, _ = first_version(catalog(), FILED_ON)
    return version


def change(*operations: Any) -> CatalogChange:
    return CatalogChange.model_validate({"operations": operations, "explanation": "新增产线"})


def test_the_filed_catalog_is_version_one_in_history() -> None:
    version, entry = first_version(catalog(), FILED_ON)

    assert version.number == 1
    assert (entry.version, entry.change_id, entry.effective_on) == (1, None, FILED_ON)


def test_adding_removing_and_changing_levels_make_the_next_version() -> None:
    proposed = change(
        AddRow(row=MILLER),
        RemoveRow(occupation_code="6-18-02-04"),
        ChangeLevels(occupation_code="6-18-01-01", work_type="数控车工", levels="5、4、3、2"),
    )

    version = apply_change(version_one(), proposed)

    assert version.number == 2
    assert [r.key for r in version.catalog.rows] == [row().key, MILLER.key]
    assert SkillLevel(2) in version.catalog.rows[0].levels
    assert version.catalog.header == catalog().header


def test_operations_parse_from_json_by_their_op_field() -> None:
    parsed = change(
        {"op": "remove", "occupation_code": "6-18-02-04", "work_type": "--"},
        {
            "op": "change_levels",
            "occupation_code": "6-18-01-01",
            "work_type": "数控车工",
            "levels": "5",
        },
    )

    assert isinstance(parsed.operations[0], RemoveRow)
    assert parsed.operations[0].work_type is None
    assert isinstance(parsed.operations[1], ChangeLevels)


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        (AddRow(row=row()), "目录中已有职业编码“6-18-01-01”工种“数控车工”，不能重复增加"),
        (
            RemoveRow(occupation_code="6-18-01-02"),
            "目录中没有职业编码“6-18-01-02”（无工种），不能删除或调整",
        ),
        (
            ChangeLevels(occupation_code="6-18-01-01", work_type="普通车工", levels="5"),
            "目录中没有职业编码“6-18-01-01”工种“普通车工”",
        ),
        (
            ChangeLevels(occupation_code="6-18-01-01", work_type="数控车工", levels="3、4、5"),
            "的级别已是“5、4、3”，无需调整",
        ),
    ],
)
def test_changes_that_do_not_fit_are_refused(operation: Any, message: str) -> None:
    with pytest.raises(InvalidRequest, match=message):
        apply_change(version_one(), change(operation))


def test_the_last_row_cannot_be_removed() -> None:
    remove_all = change(
        RemoveRow(occupation_code="6-18-01-01", work_type="数控车工"),
        RemoveRow(occupation_code="6-18-02-04"),
    )

    with pytest.raises(InvalidRequest, match="至少应保留一个职业"):
        apply_change(version_one(), remove_all)


def test_operations_apply_in_order_within_one_change() -> None:
    version = apply_change(
        version_one(), change(AddRow(row=MILLER), RemoveRow(**MILLER.key._asdict()))
    )

    assert version.catalog.rows == catalog().rows


def test_a_change_needs_at_least_one_operation() -> None:
    with pytest.raises(ValidationError, match="至少应填写一项调整"):
        change()


@pytest.mark.parametrize(
    ("explanation", "expected"),
    [(None, None), ("", None), ("  \n ", None), (" 新增数控铣床\n产线 ", "新增数控铣床\n产线")],
)
def test_a_blank_explanation_is_none_given(explanation: str | None, expected: str | None) -> None:
    fields: dict[str, Any] = {"operations": [{"op": "add", "row": MILLER.model_dump()}]}
    if explanation is not None:
        fields["explanation"] = explanation
    form = ChangeForm.model_validate(fields)

    assert form.explanation == expected
    assert CatalogChange(operations=form.operations, explanation=explanation or "").explanation == (
        expected or ""
    )


@pytest.mark.parametrize(
    ("explanation", "message"),
    [
        ("新增铣工\u0007", "含有不可见的控制字符"),
        ("新增铣工\ud800", "含有无法识别的字符"),
        ("说" * 2001, "不能超过2000个字"),
    ],
)
def test_an_explanation_the_event_would_refuse_is_refused_by_form_and_domain(
    explanation: str, message: str
) -> None:
    # CatalogChangeSubmitted carries it as a LongText: no control characters, whole characters.
    with pytest.raises(ValidationError, match=message):
        ChangeForm.model_validate(
            {"operations": [{"op": "add", "row": MILLER.model_dump()}], "explanation": explanation}
        )
    with pytest.raises(ValidationError, match=f"调整说明{message}"):
        CatalogChange(operations=(AddRow(row=MILLER),), explanation=explanation)


def submit(**overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "change_id": "C-1",
        "uscc": USCC,
        "change": change(AddRow(row=MILLER)),
        "current": version_one(),
        "filing_state": FilingState.FILED,
        "actor": Actor.ENTERPRISE,
        "on": TODAY,
    }
    return submit_change(**(fields | overrides))


def test_a_filed_enterprise_submits_a_change_and_sees_the_proposal() -> None:
    request, proposed = submit()

    assert request.review.state is ReviewState.SUBMITTED
    assert request.base_version == 1
    assert proposed.number == 2
    assert MILLER in proposed.catalog.rows


@pytest.mark.parametrize(
    ("overrides", "error", "message"),
    [
        ({"actor": Actor.CITY_CENTER}, NotPermitted, "无权提交职业（工种）目录调整"),
        ({"filing_state": FilingState.SUSPENDED}, IllegalTransition, "备案状态为“暂停评价”"),
        ({"change": change(AddRow(row=row()))}, InvalidRequest, "不能重复增加"),
    ],
)
def test_submission_is_checked(
    overrides: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        submit(**overrides)


def test_an_accepted_change_becomes_the_next_version_with_history() -> None:
    request, _ = submit()

    reviewed, version, entry = review_change(
        request, version_one(), actor=Actor.CITY_CENTER, accept=True, on=TODAY
    )

    assert reviewed.review.state is ReviewState.ACCEPTED
    assert version is not None and version.number == 2
    assert entry is not None
    assert (entry.version, entry.change_id, entry.effective_on) == (2, "C-1", TODAY)
    assert entry.operations == request.change.operations


def test_a_rejected_change_leaves_the_catalog_and_keeps_the_reason() -> None:
    request, _ = submit()
    remark = Remark(item="row:1", text="缺少铣工题库")

    reviewed, version, entry = review_change(
        request,
        version_one(),
        actor=Actor.ADMIN,
        accept=False,
        on=TODAY,
        reason="材料不全",
        remarks=[remark],
    )

    assert (version, entry) == (None, None)
    assert reviewed.review.state is ReviewState.REJECTED
    assert (reviewed.review.reason, reviewed.review.remarks) == ("材料不全", (remark,))


def test_a_rejection_must_say_why() -> None:
    request, _ = submit()

    with pytest.raises(InvalidRequest, match="不予通过职业（工种）目录调整须说明理由"):
        review_change(request, version_one(), actor=Actor.ADMIN, accept=False, on=TODAY)


def test_only_staff_review_and_only_once() -> None:
    request, _ = submit()
    reviewed, _, _ = review_change(request, version_one(), actor=Actor.ADMIN, accept=True, on=TODAY)

    with pytest.raises(NotPermitted, match="“企业”无权审核"):
        review_change(request, version_one(), actor=Actor.ENTERPRISE, accept=True, on=TODAY)
    with pytest.raises(IllegalTransition, match="当前状态为“已通过”，不能再次审核"):
        review_change(reviewed, version_one(), actor=Actor.ADMIN, accept=True, on=TODAY)


def test_acceptance_rechecks_against_the_current_version() -> None:
    request, proposed = submit()
    # Another change added the same row meanwhile.
    with pytest.raises(InvalidRequest, match="不能重复增加"):
        review_change(request, proposed, actor=Actor.ADMIN, accept=True, on=TODAY)


def test_narrowing_levels_may_not_orphan_an_own_tier() -> None:
    tiered = row(levels="3、2、1", tiers=[{"name": "首席技师", "national_level": 1}])
    current = CatalogVersion(number=1, catalog=catalog(tiered))
    narrow = ChangeLevels(occupation_code="6-18-01-01", work_type="数控车工", levels="3、2")

    with pytest.raises(
        InvalidRequest, match="调整后自设等级“首席技师”对应的一级/高级技师不在所填级别内"
    ):
        apply_change(current, change(narrow))


def test_a_change_may_not_grow_the_catalog_past_150_rows() -> None:
    full = catalog(*(row(work_type=f"工种{n}") for n in range(150)))
    current = CatalogVersion(number=1, catalog=full)

    with pytest.raises(InvalidRequest, match="调整后目录清单最多150行"):
        apply_change(current, change(AddRow(row=MILLER)))
