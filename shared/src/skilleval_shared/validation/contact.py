"""Phone numbers, email addresses and the masks used on public pages."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from email_validator import EmailNotValidError
from email_validator import validate_email as _check_email

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_MOBILE_COUNTRY_PREFIX = re.compile(r"^(?:\+86|0086)")
# Area codes: 010 and 02X have three digits, all others (03XX–09XX) four.
_LANDLINE = re.compile(
    r"\(?(?P<area>0(?:10|2[0-9]|[3-9][0-9]{2}))\)?-?(?P<number>[1-9][0-9]{6,7})"
    r"(?:(?:-|转|#|[Ee][Xx][Tt]\.?|[Xx])(?P<extension>[0-9]{1,6}))?"
)
_SPACES = re.compile(r"\s+")


def _compact(value: str) -> str:
    """Without spaces, full-width characters (１３８, ＋, －) folded to ASCII."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", value))


def validate_mobile(value: str) -> str:
    """A mainland mobile number as 11 digits (spaces, hyphens and a +86 prefix removed)."""
    compact = _MOBILE_COUNTRY_PREFIX.sub("", _compact(value)).replace("-", "")
    if not _MOBILE.fullmatch(compact):
        raise ValueError("手机号码格式不正确，应为11位数字且以13至19开头")
    return compact


def validate_landline(value: str) -> str:
    """A landline as ``0532-85845299`` (or ``0532-85845299-123`` with an extension)."""
    match = _LANDLINE.fullmatch(_compact(value))
    if match is None:
        raise ValueError("固定电话格式不正确，应为区号加7至8位号码，例如 0532-85845299")
    normalised = f"{match['area']}-{match['number']}"
    if match["extension"]:
        normalised += f"-{match['extension']}"
    return normalised


def validate_phone(value: str) -> str:
    """A mobile number or a landline with area code, normalised as by the two validators above."""
    for validator in (validate_mobile, validate_landline):
        try:
            return validator(value)
        except ValueError:
            continue
    raise ValueError("联系电话格式不正确，应为11位手机号码或带区号的固定电话")


# A roster row's address is validated when its chunk is checked and again in its certificate's
# event: a pure function, so each distinct address is parsed once a process (email_validator
# takes ~60 µs an address on a quiet machine: ~0.6 s of a 10,000-row roster's numbering).
EMAILS_REMEMBERED = 65_536


@lru_cache(maxsize=EMAILS_REMEMBERED)
def validate_email(value: str) -> str:
    """The normalised email address (syntax only; no DNS lookup)."""
    try:
        return _check_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValueError("电子邮箱格式不正确") from None


def mask_phone(value: str) -> str:
    """``138****5678`` for mobiles; the area code and the last half of a landline number."""
    try:
        mobile = validate_mobile(value)
    except ValueError:
        pass
    else:
        return f"{mobile[:3]}****{mobile[-4:]}"
    match = _LANDLINE.fullmatch(_compact(value))
    if match is not None:
        number = match["number"]
        kept = len(number) // 2
        return f"{match['area']}-{'*' * (len(number) - kept)}{number[-kept:]}"
    compact = _compact(value)
    kept = min(4, len(compact) // 4)
    return compact[:kept] + "*" * (len(compact) - 2 * kept) + compact[len(compact) - kept :]


def mask_email(value: str) -> str:
    """``z***@example.com``: the first character of the local part and the domain."""
    local, at, domain = value.strip().rpartition("@")
    if not at or not local:
        return "***"
    return f"{local[0]}***@{domain}"


def mask_name(value: str) -> str:
    """``张*``, ``欧***``: the first character, then one star per hidden character."""
    name = value.strip()
    if len(name) <= 1:
        return "*" * len(name)
    return name[0] + "*" * (len(name) - 1)
