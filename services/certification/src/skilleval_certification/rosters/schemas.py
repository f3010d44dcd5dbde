from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from skilleval_shared.events.fields import Remark
from skilleval_shared.fields import Clause, RemarkText


class RowRejection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seq: int = Field(ge=1, description="序号")
    remark: RemarkText


class ReviewForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approve: bool = Field(description="true 通过（可同时退回个别行），false 退回整个名册")
    remarks: list[Remark] = Field(default=[], max_length=100)
    rejected_rows: list[RowRejection] = Field(default=[], max_length=20_000)


class RowProblem(BaseModel):
    seq: int
    column: str
    message: Clause


class RosterView(BaseModel):
    roster_id: str
    institution_uscc: str | None = None
    status: str
    status_title: str
    chunk_count: int | None = None
    chunks_received: int
    rows_received: int
    passed_count: int | None = None
    failed_count: int
    approved_count: int | None = None
    certificate_count: int = 0
    issue_date: str | None = None
    numbering_refused: str | None = None


class RowProblems(BaseModel):
    roster_id: str
    failed_count: int
    problems: list[RowProblem]
