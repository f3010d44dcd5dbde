from __future__ import annotations

from pydantic import BaseModel, Field


class Category(BaseModel):
    key: str = Field(title="分类代码")
    name: str = Field(title="分类名称")
    count: int = Field(title="证书数")


class StatisticsView(BaseModel):
    total: int = Field(title="证书总数")
    by_status: dict[str, int] = Field(title="按状态", description="valid / revoked / reissued")
    dimensions: dict[str, list[Category]] = Field(
        title="分类统计",
        description="occupation 职业；level 等级；institution_name 评价机构；year 年度；"
        "district 区（市）",
    )
