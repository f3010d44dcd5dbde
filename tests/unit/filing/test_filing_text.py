"""The free-text types: what the forms accept must also fit the shared events and the database."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from skilleval_shared.fields import (
    Label,
    LongText,
    Name,
    OptionalLongText,
    SectionText,
    ShortText,
)

TEXT_TYPES = [Label, Name, ShortText, LongText, SectionText]
LONE_SURROGATE = "含有无法识别的字符，请删除后重新输入"


def message(error: ValidationError) -> str:
    return str(error.errors()[0]["msg"]).removeprefix("Value error, ")


@pytest.mark.parametrize("text_type", TEXT_TYPES)
@pytest.mark.parametrize(
    "value", ["\ud800", "\udfff", "考评员\udc00不足", "赵\ud83d", "\ud83d\ude00"]
)
def test_every_free_text_type_refuses_a_lone_surrogate(text_type: Any, value: str) -> None:
    # JSON bodies carry these as the escape "\ud800"; json.loads gives back the lone half.
    with pytest.raises(ValidationError) as refused:
        TypeAdapter(text_type).validate_python(value)

    assert message(refused.value) == LONE_SURROGATE


@pytest.mark.parametrize("text_type", TEXT_TYPES)
def test_whole_characters_beyond_the_basic_plane_are_text(text_type: Any) -> None:
    assert TypeAdapter(text_type).validate_python(" 王𠮷😀 ") == "王𠮷😀"


def test_an_optional_long_text_takes_blank_as_none_and_holds_the_rest_to_long_text() -> None:
    optional = TypeAdapter(OptionalLongText)

    assert [optional.validate_python(v) for v in (None, "", "  \n")] == [None, None, None]
    assert optional.validate_python(" 新增铣工\n产线 ") == "新增铣工\n产线"
    for bad, expected in [
        ("新增铣工\u0007", "含有不可见的控制字符"),
        ("新增铣工\ud800", LONE_SURROGATE),
        ("说" * 2001, "不能超过2000个字"),
    ]:
        with pytest.raises(ValidationError) as refused:
            optional.validate_python(bad)
        assert message(refused.value) == expected
