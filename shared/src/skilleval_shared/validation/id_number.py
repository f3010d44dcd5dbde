"""Identity document numbers: GB 11643-1999 resident ID checksum, other types, masking."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from enum import StrEnum

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_RESIDENT_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_OTHER_ID_SHAPE = re.compile(r"[A-Z0-9()\-]{5,30}")
_WHITESPACE = re.compile(r"\s+")
# GB 11643 allows any date. The standard's own published example was born in 1880, so the floor
# sits below it; how old a candidate may be is an eligibility rule, not an ID-number rule.
EARLIEST_BIRTH_YEAR = 1800


class IdType(StrEnum):
    """证件类型 as written on rosters and certificates."""

    RESIDENT_ID = "居民身份证"
    PASSPORT = "护照"
    HONG_KONG_MACAO_PERMIT = "港澳居民来往内地通行证"
    TAIWAN_PERMIT = "台湾居民来往大陆通行证"
    RESIDENCE_PERMIT = "港澳台居民居住证"
    FOREIGNER_PERMANENT_RESIDENCE = "外国人永久居留身份证"


def _compact(value: str) -> str:
    # NFKC turns full-width input (１２３Ｘ, （）) into ASCII.
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", value)).upper()


def resident_id_check_char(first17: str) -> str:
    """The GB 11643-1999 check character for the first 17 digits of a resident ID."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("身份证号码本体码应为17位数字")
    remainder = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[remainder % 11]


def _birth_date(number: str, earliest_year: int) -> date:
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValueError("身份证号码中的出生日期无效") from None
    if born.year < earliest_year:
        raise ValueError(f"身份证号码中的出生日期早于{earliest_year}年")
    if born > date.today():
        raise ValueError("身份证号码中的出生日期晚于今天")
    return born


def validate_resident_id(value: str, *, earliest_birth_year: int = EARLIEST_BIRTH_YEAR) -> str:
    """The normalised 18-character resident ID number, or ``ValueError`` with a Chinese message."""
    number = _compact(value)
    if len(number) != 18:
        raise ValueError("身份证号码应为18位")
    if not _RESIDENT_ID_SHAPE.fullmatch(number):
        raise ValueError("身份证号码只能由数字组成，最后一位可以是X")
    _birth_date(number, earliest_birth_year)
    if resident_id_check_char(number[:17]) != number[17]:
        raise ValueError("身份证号码校验位错误")
    return number


def birth_date_of(id_number: str) -> date:
    """出生日期 encoded in a valid resident ID number."""
    return _birth_date(validate_resident_id(id_number), EARLIEST_BIRTH_YEAR)


def sex_of(id_number: str) -> str:
    """性别 encoded in a resident ID number: odd sequence is 男, even is 女."""
    return "男" if int(validate_resident_id(id_number)[16]) % 2 else "女"


def validate_other_id(value: str) -> str:
    """A document number without a published checksum: only its length and characters."""
    number = _compact(value)
    if not 5 <= len(number) <= 30:
        raise ValueError("证件号码长度应为5至30个字符")
    if not _OTHER_ID_SHAPE.fullmatch(number):
        raise ValueError("证件号码只能包含字母、数字、括号和连字符")
    return number


def validate_id(id_type: IdType | str, number: str) -> str:
    """Validate ``number`` as a document of ``id_type``; returns the normalised number."""
    if id_type == IdType.RESIDENT_ID:
        return validate_resident_id(number)
    return validate_other_id(number)


def mask_id_number(value: str) -> str:
    """Keep at most four characters at each end, hide at least half: ``3702**********123X``."""
    number = _compact(value)
    kept = min(4, len(number) // 4)
    hidden = len(number) - 2 * kept
    return number[:kept] + "*" * hidden + number[len(number) - kept :]
