from __future__ import annotations

import pytest
from pydantic import ValidationError

from skilleval_filing.catalog.table import CatalogTable, RowKey, Standard
from skilleval_shared.validation import SkillLevel
from support.filing_samples import catalog, header, row, welder


def test_the_example_row_of_the_annex_table_parses() -> None:
    parsed = row()

    assert parsed.occupation_code == "6-18-01-01"
    assert parsed.work_type == "数控车工"
    assert parsed.levels == {SkillLevel(5), SkillLevel(4), SkillLevel(3)}
    assert parsed.standard is Standard.NATIONAL
    assert parsed.levels_text == "5、4、3"


@pytest.mark.parametrize("levels", [[3, 4, 5], "3,4,5", "5、4、3"])
def test_levels_come_as_text_or_list(levels: object) -> None:
    assert row(levels=levels).levels_text == "5、4、3"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("occupation_code", "6-18-01", "职业编码格式应为"),
        ("occupation_code", "9-18-01-01", "职业编码格式应为"),
        ("levels", "6、5", "超出范围"),
        ("levels", "5、5", "技能等级重复"),
        ("levels", "", "技能等级不能为空"),
        ("standard", "地方标准", "国家标准"),
        ("occupation_name", "", "不能为空"),
    ],
)
def test_bad_rows_are_refused(field: str, value: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        row(**{field: value})


@pytest.mark.parametrize("written", [None, "", "--", "—", "无", "  "])
def test_no_work_type_however_written_is_none(written: str | None) -> None:
    assert row(work_type=written).work_type is None


def test_duplicate_rows_are_refused_with_a_chinese_message() -> None:
    with pytest.raises(ValidationError) as caught:
        catalog(row(), welder(), row(levels="5"))

    assert "职业编码“6-18-01-01”工种“数控车工”重复填报" in str(caught.value)


def test_rows_without_work_type_are_duplicates_however_written() -> None:
    with pytest.raises(ValidationError, match="（无工种）重复填报"):
        catalog(welder(work_type=None), welder(work_type="--"))


def test_one_occupation_may_have_several_work_types() -> None:
    parsed = catalog(row(), row(work_type="普通车工"), row(work_type=None))

    assert len(parsed.rows) == 3


def test_a_catalog_needs_at_least_one_row() -> None:
    with pytest.raises(ValidationError, match="至少应填写一个职业"):
        CatalogTable(header=header(), rows=())


def test_a_catalog_has_at_most_150_rows() -> None:
    rows = tuple(row(work_type=f"工种{n}") for n in range(151))

    with pytest.raises(ValidationError, match="最多150行"):
        CatalogTable(header=header(), rows=rows)


def test_the_catalog_knows_what_it_covers() -> None:
    filed = catalog()

    assert filed.covers("6-18-01-01", "数控车工", SkillLevel(3))
    assert not filed.covers("6-18-01-01", "数控车工", SkillLevel(2))
    assert filed.covers("6-18-02-04", "--", SkillLevel(2))
    assert not filed.covers("6-18-01-01", None, SkillLevel(5))
    assert filed.find("6-18-02-04", None) == welder()


def test_row_keys_describe_themselves() -> None:
    assert RowKey("6-18-01-01", None).describe() == "职业编码“6-18-01-01”（无工种）"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postal_code", "26655", "邮编应为6位数字"),
        ("email", "hr@", "电子邮箱格式不正确"),
        ("fax", "13800138000", "固定电话格式不正确"),
        ("institution_name", " ", "不能为空"),
    ],
)
def test_bad_headers_are_refused(field: str, value: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        header(**{field: value})


def test_fax_short_name_and_website_are_optional() -> None:
    assert header(fax=None, short_name=None, website=None).fax is None


def test_an_own_tier_maps_to_a_national_level_of_the_row() -> None:
    chief = {"name": "首席技师", "national_level": 1}

    assert row(levels="3、2、1", tiers=[chief]).tiers[0].national_level is SkillLevel(1)
    with pytest.raises(
        ValidationError, match="自设等级“首席技师”对应的一级/高级技师不在所填级别内"
    ):
        row(levels="5、4、3", tiers=[chief])


def test_a_row_has_at_most_three_own_tiers() -> None:
    tiers = [{"name": f"技师{n}档", "national_level": 2} for n in range(4)]

    with pytest.raises(ValidationError, match="最多设置3个自设等级"):
        row(levels="3、2", tiers=tiers)
