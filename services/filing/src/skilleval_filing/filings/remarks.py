"""Itemised review remarks: each says what it is about and what to change."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from skilleval_shared.domain_errors import InvalidRequest
from skilleval_shared.fields import bounded_text

MAX_REMARKS = 100


class Remark(BaseModel):
    """``item`` names the object, e.g. ``field:address``, ``material:4``, ``row:17``."""

    model_config = ConfigDict(frozen=True)

    item: Annotated[str, AfterValidator(bounded_text(64))] = Field(title="意见针对的项目")
    text: Annotated[str, AfterValidator(bounded_text(500, multiline=True))] = Field(
        title="修改意见"
    )


def checked_remarks(remarks: Sequence[Remark], *, required: bool) -> tuple[Remark, ...]:
    if required and not remarks:
        raise InvalidRequest("须逐条列明修改意见")
    if len(remarks) > MAX_REMARKS:
        raise InvalidRequest(f"修改意见最多{MAX_REMARKS}条")
    return tuple(remarks)
