"""What the public directory answers: a filed institution, without any contact details."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CatalogItem(BaseModel):
    occupation_code: str = Field(title="职业编码")
    occupation_name: str = Field(title="职业名称")
    work_type: str | None = Field(default=None, title="工种名称")
    levels: list[int] = Field(title="级别代码")
    level_titles: str = Field(title="级别")
    standard: str | None = Field(default=None, title="标准")


class Institution(BaseModel):
    uscc: str = Field(title="统一社会信用代码")
    name: str | None = Field(default=None, title="机构名称")
    short_name: str | None = Field(default=None, title="机构简称")
    address: str | None = Field(default=None, title="地址")
    institution_code: str | None = Field(default=None, title="评价机构编码（全国）")
    institution_serial: str | None = Field(default=None, title="机构序号（省）")
    receipt_number: str | None = Field(default=None, title="备案回执编号")
    filed_on: str | None = Field(default=None, title="备案日期")
    catalog_version: int | None = Field(default=None, title="目录版本")
    catalog: list[CatalogItem] | None = Field(default=None, title="职业（工种）目录")
    status: str | None = Field(default=None, title="备案状态")
    status_title: str | None = Field(default=None, title="备案状态（中文）")
    status_note: str | None = Field(default=None, title="状态说明")
