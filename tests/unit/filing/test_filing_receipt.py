from __future__ import annotations

from datetime import date

import pytest

from skilleval_filing.filings.receipt import (
    checked_institution_serial,
    format_receipt_number,
    issue_receipt,
    parse_receipt_number,
)


def test_receipt_numbers_carry_prefix_year_and_six_digit_sequence() -> None:
    assert format_receipt_number(2026, 123) == "QDZP-2026-000123"
    assert format_receipt_number(2026, 1, prefix="SDZP") == "SDZP-2026-000001"


def test_receipt_numbers_parse_back() -> None:
    assert parse_receipt_number("QDZP-2026-000123") == ("QDZP", 2026, 123)
    with pytest.raises(ValueError, match="回执编号“QDZP-26-1”格式不正确"):
        parse_receipt_number("QDZP-26-1")


@pytest.mark.parametrize("sequence", [0, -1, 1_000_000])
def test_sequences_outside_six_digits_are_refused(sequence: int) -> None:
    with pytest.raises(ValueError, match="回执流水号应在1至999999之间"):
        format_receipt_number(2026, sequence)


def test_a_bad_prefix_is_refused() -> None:
    with pytest.raises(ValueError, match="格式不正确"):
        format_receipt_number(2026, 1, prefix="qd")


def test_recorded_institution_serials_are_six_ascii_digits() -> None:
    assert checked_institution_serial(" 000123 ") == "000123"
    for wrong in ("12345", "1234567", "00012A", "０００１２３", "٠٠٠١٢٣", ""):
        with pytest.raises(ValueError, match="机构序号应为6位数字"):
            checked_institution_serial(wrong)


def test_a_receipt_without_the_serial_fixes_no_certificate_number_prefix() -> None:
    receipt = issue_receipt(issued_on=date(2026, 10, 14), receipt_sequence=7)

    assert receipt.institution_serial is None
    assert receipt.certificate_number_prefix is None


def test_a_receipt_fixes_positions_1_to_13_of_certificate_numbers() -> None:
    receipt = issue_receipt(
        issued_on=date(2026, 10, 14), receipt_sequence=7, institution_serial="000123"
    )

    assert receipt.number == "QDZP-2026-000007"
    assert receipt.institution_serial == "000123"
    assert receipt.certificate_number_prefix == "Y000037000123"
    assert len(receipt.certificate_number_prefix) == 13


def test_institution_and_province_codes_are_configurable() -> None:
    receipt = issue_receipt(
        issued_on=date(2026, 10, 14),
        receipt_sequence=1,
        institution_serial="000001",
        institution_code="0001",
        province_code="23",
    )

    assert receipt.certificate_number_prefix == "Y000123000001"
