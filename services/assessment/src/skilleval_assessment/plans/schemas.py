"""What the plan endpoints take and answer."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from skilleval_assessment.plans.model import PlanContent, PlanStatus
from skilleval_shared.events.assessment_parts import EligibilityCondition
from skilleval_shared.events.fields import Remark


class PlanView(BaseModel):
    plan_id: str = Field(title="方案编号")
    uscc: str = Field(title="评价机构统一社会信用代码")
    status: PlanStatus = Field(title="状态")
    content: PlanContent = Field(title="方案内容")
    submissions: int = Field(title="报送次数")
    candidate_count: int = Field(title="参加评价人数（报送时）")
    candidates_sha256: str | None = Field(default=None, title="参加评价人员名单摘要")
    remarks: tuple[Remark, ...] = Field(default=(), title="审核意见")


class ReturnForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    remarks: tuple[Remark, ...] = Field(min_length=1, max_length=100, title="修改意见")


class ConditionList(BaseModel):
    conditions: tuple[EligibilityCondition, ...] = Field(title="申报条件")
