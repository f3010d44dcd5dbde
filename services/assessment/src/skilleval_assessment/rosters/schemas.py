"""What the roster endpoints answer."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class SubmissionView(BaseModel):
    roster_id: str = Field(title="名册编号")
    row_count: int = Field(title="人数")
    chunk_count: int = Field(title="分块数")
    sha256: str = Field(title="名册摘要")
    stage: str = Field(
        default="submitted",
        title="进度：submitted 已报送 / validated 校验通过 / validation_failed 校验未通过 / "
        "city_approved 市级审核通过 / city_rejected 市级退回 / province_approved 省级审核通过 / "
        "province_rejected 省级退回 / issued 证书已颁发",
    )
    error_count: int | None = Field(default=None, title="校验错误数")
    errors: list[dict[str, Any]] = Field(default=[], title="校验错误（前20条）")
    remarks: list[dict[str, Any]] = Field(default=[], title="审核意见")
    certificate_count: int | None = Field(default=None, title="已颁发证书数")


class RosterView(BaseModel):
    plan_id: str = Field(title="方案编号")
    submissions: list[SubmissionView] = Field(title="报送记录（最新在后）")
