"""附表 职业技能等级认定职业（工种）和标准目录清单: what an enterprise may evaluate."""

from __future__ import annotations

import re
from typing import Annotated, Any, NamedTuple

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from skilleval_shared.events.fields import MAX_CATALOG_ENTRIES, Standard
from skilleval_shared.fields import Label, Name, ShortText, bounded_text
from skilleval_shared.validation import (
    Email,
    LevelSet,
    OccupationCode,
    Phone,
    SkillLevel,
    format_levels,
)
from skilleval_shared.validation import Landline as Fax

__all__ = [
    "MAX_TIERS",
    "CatalogHeader",
    "CatalogRow",
    "CatalogTable",
    "LevelTier",
    "RowKey",
    "RowTarget",
    "Standard",
    "find_duplicates",
    "normalise_work_type",
]

MAX_TIERS = 3
_POSTAL_CODE = re.compile(r"[0-9]{6}")
# How people write "no 工种" in a table cell; certificates print "--" for it.
_NO_WORK_TYPE = {"", "-", "--", "—", "——", "无"}


def _postal_code(value: str) -> str:
    code = value.strip()
    if not _POSTAL_CODE.fullmatch(code):
        raise ValueError("邮编应为6位数字")
    return code


PostalCode = Annotated[str, AfterValidator(_postal_code)]


def normalise_work_type(value: str | None) -> str | None:
    if value is None or value.strip() in _NO_WORK_TYPE:
        return None
    return value.strip()


class RowKey(NamedTuple):
    occupation_code: str
    work_type: str | None

    def describe(self) -> str:
        work = f"工种“{self.work_type}”" if self.work_type else "（无工种）"
        return f"职业编码“{self.occupation_code}”{work}"


class RowTarget(BaseModel):
    """Names one catalog row: an occupation and, if it has one, a 工种."""

    model_config = ConfigDict(frozen=True)

    occupation_code: OccupationCode = Field(title="职业编码")
    work_type: Label | None = Field(default=None, title="工种名称")

    @field_validator("work_type", mode="before")
    @classmethod
    def _no_work_type_is_none(cls, value: Any) -> Any:
        return normalise_work_type(value) if isinstance(value, str) else value

    @property
    def key(self) -> RowKey:
        return RowKey(self.occupation_code, self.work_type)


class CatalogHeader(BaseModel):
    model_config = ConfigDict(frozen=True)

    institution_name: ShortText = Field(title="机构名称")
    short_name: ShortText | None = Field(default=None, title="机构简称")
    contact_name: Name = Field(title="联系人")
    phone: Phone = Field(title="电话")
    fax: Fax | None = Field(default=None, title="传真")
    email: Email = Field(title="邮箱")
    website: ShortText | None = Field(default=None, title="公司网址")
    address: ShortText = Field(title="地址")
    postal_code: PostalCode = Field(title="邮编")


class LevelTier(BaseModel):
    """A tier the enterprise sets itself (a sub-tier, 特级技师, 首席技师) and its national level."""

    model_config = ConfigDict(frozen=True)

    name: Annotated[str, AfterValidator(bounded_text(20))] = Field(title="自设等级名称")
    national_level: SkillLevel = Field(title="对应国家职业技能等级")


class CatalogRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    occupation_name: Label = Field(title="职业名称")
    occupation_code: OccupationCode = Field(title="职业编码")
    work_type: Label | None = Field(default=None, title="工种名称")
    levels: LevelSet = Field(title="级别")
    standard: Standard = Field(title="标准")
    tiers: tuple[LevelTier, ...] = Field(default=(), title="自设等级")

    @field_validator("work_type", mode="before")
    @classmethod
    def _no_work_type_is_none(cls, value: Any) -> Any:
        return normalise_work_type(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _tiers_within_levels(self) -> CatalogRow:
        if len(self.tiers) > MAX_TIERS:
            raise ValueError(f"每个职业（工种）最多设置{MAX_TIERS}个自设等级")
        for tier in self.tiers:
            if tier.national_level not in self.levels:
                raise ValueError(
                    f"自设等级“{tier.name}”对应的{tier.national_level.title}不在所填级别内"
                )
        return self

    @property
    def key(self) -> RowKey:
        return RowKey(self.occupation_code, self.work_type)

    @property
    def levels_text(self) -> str:
        """As written in the 附表: ``5、4、3``."""
        return format_levels(self.levels)


def find_duplicates(rows: tuple[CatalogRow, ...]) -> list[RowKey]:
    seen: set[RowKey] = set()
    duplicates: list[RowKey] = []
    for row in rows:
        if row.key in seen and row.key not in duplicates:
            duplicates.append(row.key)
        seen.add(row.key)
    return duplicates


class CatalogTable(BaseModel):
    model_config = ConfigDict(frozen=True)

    header: CatalogHeader = Field(title="机构信息")
    rows: tuple[CatalogRow, ...] = Field(title="开展职业技能等级范围")

    @field_validator("rows")
    @classmethod
    def _rows_unique_and_bounded(cls, rows: tuple[CatalogRow, ...]) -> tuple[CatalogRow, ...]:
        if not rows:
            raise ValueError("目录清单至少应填写一个职业（工种）")
        if len(rows) > MAX_CATALOG_ENTRIES:
            raise ValueError(f"目录清单最多{MAX_CATALOG_ENTRIES}行")
        duplicates = find_duplicates(rows)
        if duplicates:
            described = "、".join(key.describe() for key in duplicates)
            raise ValueError(f"目录清单中{described}重复填报，同一职业（工种）只能填写一行")
        return rows

    def find(self, occupation_code: str, work_type: str | None) -> CatalogRow | None:
        wanted = RowKey(occupation_code, normalise_work_type(work_type))
        return next((row for row in self.rows if row.key == wanted), None)

    def covers(self, occupation_code: str, work_type: str | None, level: SkillLevel) -> bool:
        row = self.find(occupation_code, work_type)
        return row is not None and level in row.levels
