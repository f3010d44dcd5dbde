"""Bounded text types with Chinese errors. The bounds match the shared event schemas, so
anything the domain accepts also fits the events that carry it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_EXCEPT_LINE_BREAKS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Half of a UTF-16 pair on its own (JSON "\ud800"): no character at all, so neither the
# event schemas nor the database (UTF-8) take it.
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def bounded_text(max_length: int, *, multiline: bool = False) -> Callable[[str], str]:
    forbidden = _CONTROL_EXCEPT_LINE_BREAKS if multiline else _CONTROL

    def validate(value: str) -> str:
        text = value.strip()
        if not text:
            raise ValueError("不能为空")
        if len(text) > max_length:
            raise ValueError(f"不能超过{max_length}个字")
        if forbidden.search(text):
            raise ValueError("含有不可见的控制字符" if multiline else "应为单行文字")
        if _LONE_SURROGATE.search(text):
            raise ValueError("含有无法识别的字符，请删除后重新输入")
        return text

    return validate


Label = Annotated[str, AfterValidator(bounded_text(40))]
Name = Annotated[str, AfterValidator(bounded_text(64))]
ShortText = Annotated[str, AfterValidator(bounded_text(100))]
LongText = Annotated[str, AfterValidator(bounded_text(2000, multiline=True))]
SectionText = Annotated[str, AfterValidator(bounded_text(20000, multiline=True))]


def _blank_as_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


# An optional free text where an empty or blank string means "none given".
OptionalLongText = Annotated[LongText | None, BeforeValidator(_blank_as_none)]
