"""Bounded text types with Chinese errors. The bounds match the shared event schemas, so
anything the domain accepts also fits the events that carry it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_EXCEPT_LINE_BREAKS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
        return text

    return validate


Label = Annotated[str, AfterValidator(bounded_text(40))]
Name = Annotated[str, AfterValidator(bounded_text(64))]
ShortText = Annotated[str, AfterValidator(bounded_text(100))]
LongText = Annotated[str, AfterValidator(bounded_text(2000, multiline=True))]
SectionText = Annotated[str, AfterValidator(bounded_text(20000, multiline=True))]
