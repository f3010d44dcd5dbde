"""What staff send to draw an inspection and to record a result, and what the inspection
endpoints answer."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from skilleval_filing.inspections.model import (
    ALGORITHM,
    OUTCOME_LABELS,
    Announcement,
    DrawPools,
    InspectionOutcome,
    InspectionRecord,
)
from skilleval_filing.inspections.pools import PoolMember
from skilleval_shared.fields import LongText, Name, ShortText
from skilleval_shared.validation import USCC
from skilleval_shared.web.views import View

MAX_INSPECTOR_POOL = 1000
InspectorId = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z:._/-]{0,63}$")]


class InspectorForm(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    inspector_id: InspectorId = Field(title="执法检查人员编号")
    name: Name = Field(title="执法检查人员姓名")


class EnterpriseMemberForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    uscc: USCC = Field(title="已备案企业统一社会信用代码")


class AnnounceForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: ShortText | None = Field(default=None, title="抽查任务名称")
    seed_source: LongText = Field(
        title="随机种子来源（公告日之后公布的公开数值，如某日福利彩票开奖号码）"
    )
    seed_date: date = Field(title="随机种子公布日期（须晚于公告日期）")
    enterprise_count: int = Field(title="抽取企业数")
    inspectors_per_enterprise: int = Field(title="每家企业检查人员数（至少2人）")


class DrawAnnouncedForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    public_value: str = Field(max_length=1000, title="公告所指的公开数值（即随机种子）")


class PoolMemberView(View):
    kind: str = Field(title="名录库")
    member_id: str = Field(title="统一社会信用代码或执法检查人员编号")
    name: str = Field(title="名称或姓名")
    added_on: str = Field(title="列入日期")


class PoolMemberList(View):
    items: list[PoolMemberView] = Field(title="名录库成员")


class AnnouncementView(View):
    inspection_id: str = Field(title="抽查编号")
    title: str | None = Field(title="抽查任务名称")
    seed_source: str = Field(title="随机种子来源")
    seed_date: str = Field(title="随机种子公布日期")
    algorithm: str = Field(title="抽取算法")
    enterprise_count: int = Field(title="抽取企业数")
    inspectors_per_enterprise: int = Field(title="每家企业检查人员数")
    enterprise_pool: list[dict[str, Any]] = Field(title="检查对象名录库（公告时冻结）")
    inspector_pool: list[dict[str, Any]] = Field(title="执法检查人员名录库（公告时冻结）")
    pool_sha256: str = Field(title="名录库 SHA-256")
    announced_on: str = Field(title="公告日期")
    drawn: bool = Field(title="是否已抽取")
    seed: str | None = Field(title="随机种子（抽取后公开）")
    assignments: list[dict[str, Any]] = Field(title="抽取结果（抽取后公开）")


class AnnouncementList(View):
    items: list[AnnouncementView] = Field(title="抽查公告")


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


def member_view(member: PoolMember) -> dict[str, Any]:
    return {
        "kind": member.kind.value,
        "member_id": member.member_id,
        "name": member.name,
        "added_on": member.added_at.date().isoformat(),
    }


def announcement_view(announcement: Announcement, drawn: InspectionRecord | None) -> dict[str, Any]:
    """Public from the start (一公开): the frozen pools and where the seed comes from; the seed
    and the assignments once drawn, so anyone can recompute them."""
    names = {i.inspector_id: i.name for i in announcement.inspectors}
    return {
        "inspection_id": announcement.inspection_id,
        "title": announcement.title,
        "seed_source": announcement.seed_source,
        "seed_date": announcement.seed_date.isoformat(),
        "algorithm": ALGORITHM,
        "enterprise_count": announcement.enterprise_count,
        "inspectors_per_enterprise": announcement.inspectors_per_enterprise,
        "enterprise_pool": [
            {"uscc": uscc, "enterprise_name": name}
            for uscc, name in announcement.enterprise_names.items()
        ],
        "inspector_pool": [i.model_dump() for i in announcement.inspectors],
        "pool_sha256": announcement.pool_sha256,
        "announced_on": announcement.announced_on.isoformat(),
        "drawn": drawn is not None,
        "seed": drawn.draw.seed if drawn else None,
        "assignments": [
            {
                "uscc": a.enterprise,
                "enterprise_name": announcement.enterprise_names[a.enterprise],
                "inspectors": [{"inspector_id": i, "name": names[i]} for i in a.inspectors],
            }
            for a in (drawn.draw.assignments if drawn else ())
        ],
    }
