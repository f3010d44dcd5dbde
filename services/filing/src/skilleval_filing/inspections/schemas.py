"""What staff send to draw an inspection and to record a result, and what the inspection
endpoints answer."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from skilleval_filing.inspections.model import (
    OUTCOME_LABELS,
    DrawPools,
    InspectionOutcome,
    InspectionRecord,
)
from skilleval_shared.fields import LongText, Name, ShortText
from skilleval_shared.validation import USCC
from skilleval_shared.web.views import View

MAX_INSPECTOR_POOL = 1000
InspectorId = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z:._/-]{0,63}$")]


class InspectorForm(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    inspector_id: InspectorId = Field(title="执法检查人员编号")
    name: Name = Field(title="执法检查人员姓名")


class DrawForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: ShortText | None = Field(default=None, title="抽查任务名称")
    seed: str = Field(max_length=1000, title="随机种子（公开）")
    enterprise_count: int = Field(title="抽取企业数")
    inspectors: tuple[InspectorForm, ...] = Field(
        min_length=1, max_length=MAX_INSPECTOR_POOL, title="执法检查人员名录库"
    )
    inspectors_per_enterprise: int = Field(title="每家企业检查人员数")


class ResultForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    uscc: USCC = Field(title="被检查企业统一社会信用代码")
    inspected_on: date = Field(title="检查日期")
    outcome: InspectionOutcome = Field(title="检查结论")
    findings: LongText = Field(title="检查情况")


class DrawnItem(View):
    uscc: str = Field(title="被抽查企业统一社会信用代码")
    enterprise_name: str = Field(title="企业名称")
    inspectors: list[dict[str, Any]] = Field(title="执法检查人员")
    result: dict[str, Any] | None = Field(title="检查结果")


class InspectionView(View):
    inspection_id: str = Field(title="抽查编号")
    title: str | None = Field(title="抽查任务名称")
    status: str = Field(title="状态")
    status_label: str = Field(title="状态名称")
    seed: str = Field(title="随机种子")
    algorithm: str = Field(title="抽取算法")
    enterprise_pool_size: int = Field(title="企业名录库大小")
    inspector_pool_size: int = Field(title="检查人员名录库大小")
    pool_sha256: str = Field(title="名录库 SHA-256")
    drawn_on: str = Field(title="抽取日期")
    published_on: str | None = Field(title="公开日期")
    items: list[DrawnItem] = Field(title="抽查对象及结果")


class InspectionList(View):
    items: list[InspectionView] = Field(title="抽查任务")


class PoolsView(View):
    inspection_id: str = Field(title="抽查编号")
    seed: str = Field(title="随机种子")
    algorithm: str = Field(title="抽取算法")
    enterprise_count: int = Field(title="抽取企业数")
    inspectors_per_enterprise: int = Field(title="每家企业检查人员数")
    enterprise_pool: list[str] = Field(title="企业名录库")
    inspector_pool: list[dict[str, Any]] = Field(title="检查人员名录库")
    pool_sha256: str = Field(title="名录库 SHA-256")


def inspection_view(record: InspectionRecord) -> dict[str, Any]:
    """Public once published: no contact details are held here at all."""
    names = {inspector.inspector_id: inspector.name for inspector in record.inspectors}
    results = {result.enterprise: result for result in record.results}
    items = []
    for assignment in record.draw.assignments:
        result = results.get(assignment.enterprise)
        items.append(
            {
                "uscc": assignment.enterprise,
                "enterprise_name": record.enterprise_names[assignment.enterprise],
                "inspectors": [
                    {"inspector_id": i, "name": names[i]} for i in assignment.inspectors
                ],
                "result": None
                if result is None
                else result.model_dump(mode="json", exclude={"enterprise"})
                | {"outcome_label": OUTCOME_LABELS[result.outcome]},
            }
        )
    return {
        "inspection_id": record.inspection_id,
        "title": record.title,
        "status": record.status.value,
        "status_label": record.status.label,
        "seed": record.draw.seed,
        "algorithm": record.draw.algorithm,
        "enterprise_pool_size": record.draw.enterprise_pool_size,
        "inspector_pool_size": record.draw.inspector_pool_size,
        "pool_sha256": record.pool_sha256,
        "drawn_on": record.drawn_on.isoformat(),
        "published_on": record.published_on.isoformat() if record.published_on else None,
        "items": items,
    }


def pools_view(record: InspectionRecord, pools: DrawPools) -> dict[str, Any]:
    """What anyone needs to recompute the draw."""
    return {
        "inspection_id": record.inspection_id,
        "seed": record.draw.seed,
        "algorithm": record.draw.algorithm,
        "enterprise_count": len(record.draw.assignments),
        "inspectors_per_enterprise": len(record.draw.assignments[0].inspectors),
        "enterprise_pool": list(pools.enterprises),
        "inspector_pool": [inspector.model_dump() for inspector in pools.inspectors],
        "pool_sha256": pools.sha256,
    }
