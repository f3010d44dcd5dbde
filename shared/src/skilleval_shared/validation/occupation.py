"""Occupation codes (职业分类大典, ``D-DD-DD-DD``) and the five national skill levels."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from enum import IntEnum

_OCCUPATION_CODE = re.compile(r"[1-8]-[0-9]{2}-[0-9]{2}-[0-9]{2}")
_LEVEL_SEPARATORS = re.compile(r"[、,，\s]+")


def validate_occupation_code(value: str) -> str:
    """The stripped occupation code, or ``ValueError`` with a Chinese message."""
    code = unicodedata.normalize("NFKC", value).strip()
    if not _OCCUPATION_CODE.fullmatch(code):
        raise ValueError("职业编码格式应为 X-XX-XX-XX，且大类为1至8，例如 6-18-01-01")
    return code


class SkillLevel(IntEnum):
    """职业技能等级; the value is the level code printed in certificate numbers."""

    SENIOR_TECHNICIAN = 1
    TECHNICIAN = 2
    SENIOR_WORKER = 3
    INTERMEDIATE_WORKER = 4
    JUNIOR_WORKER = 5

    @property
    def grade(self) -> str:
        """The numeral name, e.g. ``一级``."""
        return _GRADES[self.value]

    @property
    def traditional_name(self) -> str:
        """The traditional name, e.g. ``高级技师``."""
        return _TRADITIONAL_NAMES[self.value]

    @property
    def title(self) -> str:
        """As written on certificates, e.g. ``一级/高级技师``."""
        return f"{self.grade}/{self.traditional_name}"


_GRADES = {1: "一级", 2: "二级", 3: "三级", 4: "四级", 5: "五级"}
_TRADITIONAL_NAMES = {1: "高级技师", 2: "技师", 3: "高级工", 4: "中级工", 5: "初级工"}


def _level(token: object) -> SkillLevel:
    if isinstance(token, bool):
        raise ValueError("技能等级应为1至5的整数")
    if isinstance(token, str):
        token = unicodedata.normalize("NFKC", token).strip()
        if not (token.isascii() and token.isdigit()):
            raise ValueError(f"技能等级“{token}”不是1至5的整数")
        token = int(token)
    if not isinstance(token, int) or token not in _GRADES:
        raise ValueError(f"技能等级“{token}”超出范围，应为1至5")
    return SkillLevel(token)


def parse_levels(value: str | int | Iterable[int | str]) -> frozenset[SkillLevel]:
    """Parse a level list such as ``5、4、3`` (or an iterable of codes) into a set of levels."""
    tokens: list[object]
    if isinstance(value, str):
        tokens = [token for token in _LEVEL_SEPARATORS.split(value.strip()) if token]
    elif isinstance(value, int):
        tokens = [value]
    elif isinstance(value, Iterable) and not isinstance(value, Mapping | bytes):
        tokens = list(value)
    else:
        raise ValueError("技能等级应写作“5、4、3”或等级代码的列表")
    if not tokens:
        raise ValueError("技能等级不能为空")
    levels = [_level(token) for token in tokens]
    duplicates = sorted({level.value for level in levels if levels.count(level) > 1})
    if duplicates:
        raise ValueError(f"技能等级重复：{'、'.join(map(str, duplicates))}")
    return frozenset(levels)


def format_levels(levels: Iterable[int]) -> str:
    """The catalog form of a level set, lowest level first: ``5、4、3``."""
    return "、".join(str(level) for level in sorted(set(levels), reverse=True))
