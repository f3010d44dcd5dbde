"""What the result endpoints take and answer."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from skilleval_assessment.candidates.schemas import RowProblem
from skilleval_assessment.results.model import ResultInput
from skilleval_shared.events.assessment_parts import ResultEntry
from skilleval_shared.fields import Clause


class ResultBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    results: list[ResultInput] = Field(min_length=1, max_length=20_000, title="成绩")


class Correction(BaseModel):
    model_config = ConfigDict(extra="forbid")

    result: ResultInput = Field(title="更正后的成绩")
    reason: Clause = Field(title="更正理由")


class ResultList(BaseModel):
    count: int = Field(title="人数")
    passed: int = Field(title="合格人数")
    results: list[ResultEntry] = Field(title="成绩")


class ResultImportReport(BaseModel):
    recorded: int = Field(title="登记人数")
    passed: int = Field(title="合格人数")
    rejected_rows: list[RowProblem] = Field(title="未登记的行及原因")
