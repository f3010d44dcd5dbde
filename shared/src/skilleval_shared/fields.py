"""Field types, each defined once and used alike by request, state and event models.

A value that one model accepts is accepted by every other model that carries it, so what a
request lets through always fits the event it becomes. Every rule answers in Chinese.
Text is stripped; single-line text refuses control characters, multi-line text allows only tab,
CR and LF; a lone UTF-16 surrogate (JSON ``"\\ud800"``) is refused everywhere, since neither the
wire (UTF-8) nor the database can hold it. Every text has a maximum length, which bounds the
worst-case size of each message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from skilleval_shared.validation import (
    USCC,
    Email,
    Landline,
    LevelSet,
    Mobile,
    OccupationCode,
    Phone,
)

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_EXCEPT_LINE_BREAKS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
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


@dataclass(frozen=True)
class TextLimit:
    """The bounds of a text type, shown in JSON Schema (the check itself is ``bounded_text``)."""

    max_length: int
    multiline: bool = False

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema.update(minLength=1, maxLength=self.max_length)
        return json_schema


def _line(max_length: int) -> tuple[AfterValidator, TextLimit]:
    return AfterValidator(bounded_text(max_length)), TextLimit(max_length)


def _lines(max_length: int) -> tuple[AfterValidator, TextLimit]:
    return AfterValidator(bounded_text(max_length, multiline=True)), TextLimit(max_length, True)


_TIER_NAME, _LABEL, _NAME, _SHORT = _line(20), _line(40), _line(64), _line(100)
_CLAUSE, _REMARK, _LONG, _SECTION = _lines(200), _lines(500), _lines(2000), _lines(20000)

TierName = Annotated[str, _TIER_NAME[0], _TIER_NAME[1]]
Label = Annotated[str, _LABEL[0], _LABEL[1]]
Name = Annotated[str, _NAME[0], _NAME[1]]
RemarkItem = Annotated[str, _NAME[0], _NAME[1]]
ShortText = Annotated[str, _SHORT[0], _SHORT[1]]
Clause = Annotated[str, _CLAUSE[0], _CLAUSE[1]]
RemarkText = Annotated[str, _REMARK[0], _REMARK[1]]
LongText = Annotated[str, _LONG[0], _LONG[1]]
SectionText = Annotated[str, _SECTION[0], _SECTION[1]]


def _blank_as_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


# An optional free text where an empty or blank string means "none given".
OptionalLongText = Annotated[LongText | None, BeforeValidator(_blank_as_none)]

__all__ = [
    "USCC",
    "Clause",
    "Email",
    "Label",
    "Landline",
    "LevelSet",
    "LongText",
    "Mobile",
    "Name",
    "OccupationCode",
    "OptionalLongText",
    "Phone",
    "RemarkItem",
    "RemarkText",
    "SectionText",
    "ShortText",
    "TierName",
    "bounded_text",
]
