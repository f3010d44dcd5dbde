"""备案回执: the receipt number, and the institution part of certificate numbers it fixes.

Receipt number: ``QDZP-2026-000123`` — ``QDZP`` (青岛 自主评价, configurable prefix), the year of
issue, and a six-digit sequence that restarts at 000001 each year. It is for people and files;
certificate numbers do not contain it.

Institution serial: six digits, positions 8–13 of every certificate number. The provincial
centre assigns it; city staff record it on the filing (``RecordInstitutionSerial``), before or
after the receipt is issued. Until then the receipt has none and no certificate can be numbered.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from skilleval_shared.events.fields import InstitutionCategory

DEFAULT_RECEIPT_PREFIX = "QDZP"
# Code 0000 is what the national coding rule prescribes until the ministry assigns one.
DEFAULT_INSTITUTION_CODE = "0000"
SHANDONG_PROVINCE_CODE = "37"
_MAX_SEQUENCE = 999_999
_INSTITUTION_SERIAL = re.compile(r"[0-9]{6}", re.ASCII)
_RECEIPT_NUMBER = re.compile(r"(?P<prefix>[A-Z]{2,8})-(?P<year>[0-9]{4})-(?P<sequence>[0-9]{6})")


def _checked_sequence(sequence: int, what: str) -> int:
    if not 1 <= sequence <= _MAX_SEQUENCE:
        raise ValueError(f"{what}应在1至{_MAX_SEQUENCE}之间，实际为{sequence}")
    return sequence


def format_receipt_number(year: int, sequence: int, prefix: str = DEFAULT_RECEIPT_PREFIX) -> str:
    number = f"{prefix}-{year:04d}-{_checked_sequence(sequence, '回执流水号'):06d}"
    if not _RECEIPT_NUMBER.fullmatch(number):
        raise ValueError(f"回执编号“{number}”格式不正确")
    return number


def parse_receipt_number(number: str) -> tuple[str, int, int]:
    """``(prefix, year, sequence)`` of a receipt number."""
    match = _RECEIPT_NUMBER.fullmatch(number.strip())
    if match is None:
        raise ValueError(f"回执编号“{number}”格式不正确，应如 {DEFAULT_RECEIPT_PREFIX}-2026-000001")
    return match["prefix"], int(match["year"]), int(match["sequence"])


def checked_institution_serial(value: str) -> str:
    """The serial as recorded: exactly six ASCII digits, or ``ValueError`` in Chinese."""
    serial = value.strip()
    if not _INSTITUTION_SERIAL.fullmatch(serial):
        raise ValueError("机构序号应为6位数字（由省职业技能鉴定指导中心分配）")
    return serial


class Receipt(BaseModel):
    model_config = ConfigDict(frozen=True)

    number: str
    issued_on: date
    institution_category: InstitutionCategory = InstitutionCategory.EMPLOYER
    institution_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")] = (
        DEFAULT_INSTITUTION_CODE
    )
    province_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$")] = SHANDONG_PROVINCE_CODE
    # None until the province's serial is recorded on the filing.
    institution_serial: Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")] | None = None

    @property
    def certificate_number_prefix(self) -> str | None:
        """Positions 1–13 of every certificate number this institution issues, once the
        institution serial is known."""
        if self.institution_serial is None:
            return None
        return (
            f"{self.institution_category.value}{self.institution_code}"
            f"{self.province_code}{self.institution_serial}"
        )


def issue_receipt(
    *,
    issued_on: date,
    receipt_sequence: int,
    institution_serial: str | None = None,
    institution_code: str = DEFAULT_INSTITUTION_CODE,
    province_code: str = SHANDONG_PROVINCE_CODE,
    prefix: str = DEFAULT_RECEIPT_PREFIX,
) -> Receipt:
    """The receipt for the ``receipt_sequence``-th filing of the year of ``issued_on``."""
    return Receipt(
        number=format_receipt_number(issued_on.year, receipt_sequence, prefix),
        issued_on=issued_on,
        institution_code=institution_code,
        province_code=province_code,
        institution_serial=institution_serial,
    )
