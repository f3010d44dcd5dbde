from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from skilleval_shared.validation import (
    LevelSet,
    OccupationCode,
    SkillLevel,
    format_levels,
    parse_levels,
    validate_occupation_code,
)


@pytest.mark.parametrize("code", ["6-18-01-01", "1-01-00-00", "8-00-00-00", " 4-01-02-03 "])
def test_valid_occupation_codes(code: str) -> None:
    assert validate_occupation_code(code) == code.strip()


@pytest.mark.parametrize(
    "code",
    [
        "0-18-01-01",
        "9-18-01-01",
        "6-18-01",
        "61801 01",
        "6-18-01-1",
        "6-18-01-01-01",
        "6/18/01/01",
        "",
    ],
)
def test_invalid_occupation_codes(code: str) -> None:
    with pytest.raises(ValueError, match="职业编码格式"):
        validate_occupation_code(code)


def test_skill_level_titles() -> None:
    assert [level.title for level in SkillLevel] == [
        "一级/高级技师",
        "二级/技师",
        "三级/高级工",
        "四级/中级工",
        "五级/初级工",
    ]
    assert SkillLevel(5).grade == "五级"
    assert SkillLevel(3).traditional_name == "高级工"


@pytest.mark.parametrize(
    "text", ["5、4、3", "5,4,3", "5，4，3", "5 4 3", " 3、 4 ,5 ", "５、４、３"]
)
def test_parse_levels_accepts_the_usual_separators(text: str) -> None:
    assert parse_levels(text) == frozenset({5, 4, 3})


def test_parse_levels_accepts_codes() -> None:
    assert parse_levels([1, 2]) == frozenset({SkillLevel.SENIOR_TECHNICIAN, SkillLevel.TECHNICIAN})
    assert parse_levels(5) == frozenset({SkillLevel.JUNIOR_WORKER})


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "不能为空"),
        ("、 ,", "不能为空"),
        ([], "不能为空"),
        ("5、6", "超出范围"),
        ("0", "超出范围"),
        ([5, 6], "超出范围"),
        ("5、4、5", "重复：5"),
        ([3, 3], "重复：3"),
        ("5、四", "不是1至5的整数"),
        ("5.0", "不是1至5的整数"),
        ([True], "整数"),
    ],
)
def test_parse_levels_rejects(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_levels(value)  # type: ignore[arg-type]


def test_format_levels_lowest_level_first() -> None:
    assert format_levels({3, 5, 4}) == "5、4、3"


class CatalogRow(BaseModel):
    code: OccupationCode
    levels: LevelSet


def test_level_set_in_a_model() -> None:
    row = CatalogRow(code="6-18-01-01", levels="5、4、3")
    assert row.levels == frozenset({3, 4, 5})
    assert row.model_dump_json() == '{"code":"6-18-01-01","levels":[5,4,3]}'
    assert CatalogRow.model_validate_json('{"code":"6-18-01-01","levels":[3,4]}').levels == {3, 4}


def test_level_set_errors_keep_the_chinese_message() -> None:
    with pytest.raises(ValidationError) as caught:
        CatalogRow(code="6-18-01-01", levels=[5, 5])
    assert str(caught.value.errors()[0]["ctx"]["error"]) == "技能等级重复：5"
    with pytest.raises(ValidationError):
        CatalogRow(code="6-18-01-01", levels={"a": 1})
