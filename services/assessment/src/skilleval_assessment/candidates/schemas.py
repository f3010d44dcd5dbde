"""What the candidate endpoints take and answer."""

from __future__ import annotations

from pydantic import BaseModel, Field

from skilleval_shared.events.assessment_parts import Registration


class RowProblem(BaseModel):
    row: int = Field(title="行号（表头为第1行）")
    column: str = Field(title="列")
    message: str = Field(title="原因")


class ImportReport(BaseModel):
    import_id: str = Field(title="导入编号")
    registered: int = Field(title="导入人数（含资格审核未通过的人员）")
    eligible: int = Field(title="资格审核通过人数")
    ineligible_rows: list[RowProblem] = Field(
        default_factory=list, title="已导入但资格审核未通过的行及原因"
    )
    rejected_rows: list[RowProblem] = Field(title="未导入的行及原因")


class ImportProgress(BaseModel):
    import_id: str = Field(title="导入编号")
    stage: str = Field(
        title=(
            "阶段：reading 读取 / checking 校验中 / checked 已校验 / registered 已导入"
            " / failed 失败"
        )
    )
    rows: int = Field(default=0, title="已读取或已校验的行数（导入过程中随时更新）")
    total: int | None = Field(default=None, title="文件中的数据行数（读取完成后可知）")
    registered: int = Field(default=0, title="导入人数")


class RegistrationList(BaseModel):
    count: int = Field(title="人数")
    registrations: list[Registration] = Field(title="报名人员")
