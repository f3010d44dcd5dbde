from __future__ import annotations

from datetime import date

import pytest

from skilleval_certification.numbering.model import (
    MissingInstitutionSerial,
    NumberPrefix,
    assign,
    certificate_number,
    require_serial,
    series,
)
from support.certification_samples import row

PREFIX = NumberPrefix(institution_code="0001", province_code="37", institution_serial="000123")


def test_number_follows_the_national_rule_position_by_position() -> None:
    number = certificate_number(PREFIX, date(2026, 3, 20), 3, 42)
    assert len(number) == 22
    assert number[0] == "Y"
    assert number[1:5] == "0001"
    assert number[5:7] == "37"
    assert number[7:13] == "000123"
    assert number[13:15] == "26"
    assert number[15] == "3"
    assert number[16:22] == "000042"


def test_the_domain_example_shape() -> None:
    prefix = NumberPrefix(institution_code="0001", province_code="23", institution_serial="000000")
    assert certificate_number(prefix, date(2019, 1, 1), 5, 1) == "Y000123000000195000001"


@pytest.mark.parametrize("serial", [0, 1_000_000])
def test_serial_out_of_range_is_refused(serial: int) -> None:
    with pytest.raises(ValueError):
        certificate_number(PREFIX, date(2026, 1, 1), 4, serial)


def test_numbering_is_refused_while_the_serial_is_missing() -> None:
    with pytest.raises(MissingInstitutionSerial, match="机构序号"):
        require_serial(None)
    assert require_serial("000123") == "000123"


def test_series_is_per_institution_year_and_level() -> None:
    day = date(2026, 5, 1)
    assert len({series("A", day, 4), series("B", day, 4), series("A", day, 3)}) == 3
    assert series("A", day, 4) == series("A", date(2026, 12, 31), 4)
    assert series("A", day, 4) != series("A", date(2027, 1, 1), 4)


def test_each_level_takes_its_block_in_seq_order() -> None:
    rows = [row(3, level=4), row(1, level=4), row(2, level=3)]
    numbered = assign(rows, {4: range(7, 9), 3: range(1, 2)}, PREFIX, date(2026, 3, 20))
    assert [r.seq for r in numbered] == [1, 2, 3]
    assert [r.certificate_number for r in numbered] == [
        "Y00013700012326" + "4000007",
        "Y00013700012326" + "3000001",
        "Y00013700012326" + "4000008",
    ]
    assert all(r.issue_date == date(2026, 3, 20) for r in numbered)


def test_a_block_of_the_wrong_size_is_refused() -> None:
    with pytest.raises(ValueError):
        assign([row(1)], {4: range(1, 3)}, PREFIX, date(2026, 3, 20))
