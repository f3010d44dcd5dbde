"""统一社会信用代码 (unified social credit code, GB 32100-2015)."""

from __future__ import annotations

import re
import unicodedata

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUES = {char: value for value, char in enumerate(ALPHABET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_WHITESPACE = re.compile(r"\s+")


def uscc_check_char(first17: str) -> str:
    """The check character for the first 17 characters of a USCC."""
    if len(first17) != 17 or any(char not in _VALUES for char in first17):
        raise ValueError("统一社会信用代码前17位应由数字和大写字母组成（不含I、O、S、V、Z）")
    total = sum(_VALUES[char] * weight for char, weight in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> str:
    """The normalised (upper-case, no spaces) USCC, or ``ValueError`` with a Chinese message."""
    code = _WHITESPACE.sub("", unicodedata.normalize("NFKC", value)).upper()
    if len(code) != 18:
        raise ValueError("统一社会信用代码应为18位")
    if any(char not in _VALUES for char in code):
        raise ValueError("统一社会信用代码含有非法字符（不能使用I、O、S、V、Z）")
    if not (code[2:8].isascii() and code[2:8].isdigit()):
        raise ValueError("统一社会信用代码第3至8位应为6位数字的行政区划码")
    if uscc_check_char(code[:17]) != code[17]:
        raise ValueError("统一社会信用代码校验位错误")
    return code


def division_code_of(uscc: str) -> str:
    """The registering authority's administrative division code (positions 3–8)."""
    return validate_uscc(uscc)[2:8]
