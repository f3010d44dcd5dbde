"""What staff send to draw an inspection and to record a result."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from skilleval_filing.inspections.model import InspectionOutcome
from skilleval_shared.fields import LongText, Name, ShortText
from skilleval_shared.validation import USCC

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
