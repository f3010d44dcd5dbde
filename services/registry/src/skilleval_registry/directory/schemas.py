"""What the public directory answers: a filed institution, without any contact details."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Institution(BaseModel):
    uscc: str = Field(title="统一社会信用代码")
    name: str | None = Field(default=None, title="机构名称")
    short_name: str | None = Field(default=None, title="机构简称")
    address: str | None = Field(default=None, title="地址")
    receipt_number: str | None = Field(default=None, title="备案回执编号")
    filed_on: str | None = Field(default=None, title="备案日期")
    catalog: list[dict[str, Any]] | None = Field(default=None, title="职业（工种）目录")
    status: str | None = Field(default=None, title="备案状态")
