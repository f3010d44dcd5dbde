"""动态管理: versioned changes to a filed enterprise's catalog, effective once accepted.

Version 1 is the catalog accepted with the filing; each accepted change makes the next version.
A change is checked against the current version when submitted and again when accepted, since
another change may have been accepted in between.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from skilleval_filing.catalog.table import CatalogRow, CatalogTable, RowTarget
from skilleval_filing.filings.lifecycle import Actor, FilingState
from skilleval_filing.filings.remarks import Remark
from skilleval_filing.review import Review, ReviewState, decide_review, ensure_submitter
from skilleval_shared.domain_errors import InvalidRequest
from skilleval_shared.fields import bounded_text
from skilleval_shared.validation import USCC, LevelSet, format_levels

WHAT = "职业（工种）目录调整"
_EXPLANATION = bounded_text(2000, multiline=True)


class AddRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    op: Literal["add"] = "add"
    row: CatalogRow


class RemoveRow(RowTarget):
    op: Literal["remove"] = "remove"


class ChangeLevels(RowTarget):
    op: Literal["change_levels"] = "change_levels"
    levels: LevelSet = Field(title="级别")


Operation = Annotated[AddRow | RemoveRow | ChangeLevels, Field(discriminator="op")]


class CatalogChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    operations: tuple[Operation, ...] = Field(title="调整内容")
    explanation: str = Field(default="", title="调整说明")

    @field_validator("operations")
    @classmethod
    def _not_empty(cls, operations: tuple[Operation, ...]) -> tuple[Operation, ...]:
        if not operations:
            raise ValueError("至少应填写一项调整")
        return operations

    @field_validator("explanation")
    @classmethod
    def _bounded(cls, explanation: str) -> str:
        """Blank is no explanation; any other is a ``LongText``, as the events carry it."""
        if not explanation.strip():
            return ""
        try:
            return _EXPLANATION(explanation)
        except ValueError as error:
            raise ValueError(f"调整说明{error}") from None


class CatalogVersion(BaseModel):
    model_config = ConfigDict(frozen=True)

    number: int = Field(ge=1)
    catalog: CatalogTable


class CatalogChangeRequest(BaseModel):
    model_config = ConfigDict(frozen=True)

    change_id: str
    uscc: USCC
    change: CatalogChange
    base_version: int
    submitted_on: date
    review: Review = Review()


class CatalogHistoryEntry(BaseModel):
    """How version ``version`` came about; ``change_id`` is None for the filed catalog."""

    model_config = ConfigDict(frozen=True)

    version: int
    change_id: str | None
    effective_on: date
    operations: tuple[Operation, ...] = ()


_ModelT = TypeVar("_ModelT", bound=BaseModel)


def _validated(model: type[_ModelT], fields: dict[str, Any]) -> _ModelT:
    # A change may break a rule of the whole row or catalog (own tiers, row limit).
    try:
        return model.model_validate(fields)
    except ValidationError as error:
        message = str(error.errors()[0]["msg"]).removeprefix("Value error, ")
        raise InvalidRequest(f"调整后{message}") from None


def _apply(rows: list[CatalogRow], operation: Operation) -> list[CatalogRow]:
    if isinstance(operation, AddRow):
        if any(row.key == operation.row.key for row in rows):
            raise InvalidRequest(f"目录中已有{operation.row.key.describe()}，不能重复增加")
        return [*rows, operation.row]
    index = next((i for i, row in enumerate(rows) if row.key == operation.key), None)
    if index is None:
        raise InvalidRequest(f"目录中没有{operation.key.describe()}，不能删除或调整")
    if isinstance(operation, RemoveRow):
        return rows[:index] + rows[index + 1 :]
    if rows[index].levels == operation.levels:
        raise InvalidRequest(
            f"{operation.key.describe()}的级别已是“{format_levels(operation.levels)}”，无需调整"
        )
    changed = _validated(CatalogRow, {**dict(rows[index]), "levels": operation.levels})
    return [*rows[:index], changed, *rows[index + 1 :]]


def apply_change(current: CatalogVersion, change: CatalogChange) -> CatalogVersion:
    """The next version, or ``InvalidRequest`` naming the operation that does not fit."""
    rows = list(current.catalog.rows)
    for operation in change.operations:
        rows = _apply(rows, operation)
    if not rows:
        raise InvalidRequest("调整后目录中至少应保留一个职业（工种）")
    catalog = _validated(CatalogTable, {"header": current.catalog.header, "rows": tuple(rows)})
    return CatalogVersion(number=current.number + 1, catalog=catalog)


def first_version(
    catalog: CatalogTable, filed_on: date
) -> tuple[CatalogVersion, CatalogHistoryEntry]:
    entry = CatalogHistoryEntry(version=1, change_id=None, effective_on=filed_on)
    return CatalogVersion(number=1, catalog=catalog), entry


def submit_change(
    *,
    change_id: str,
    uscc: str,
    change: CatalogChange,
    current: CatalogVersion,
    filing_state: FilingState,
    actor: Actor,
    on: date,
) -> tuple[CatalogChangeRequest, CatalogVersion]:
    """The request and the catalog it proposes, once the enterprise is filed and the change
    fits the current version."""
    ensure_submitter(actor, filing_state, WHAT)
    proposed = apply_change(current, change)
    request = CatalogChangeRequest(
        change_id=change_id,
        uscc=uscc,
        change=change,
        base_version=current.number,
        submitted_on=on,
    )
    return request, proposed


def review_change(
    request: CatalogChangeRequest,
    current: CatalogVersion,
    *,
    actor: Actor,
    accept: bool,
    on: date,
    reason: str = "",
    remarks: Sequence[Remark] = (),
) -> tuple[CatalogChangeRequest, CatalogVersion | None, CatalogHistoryEntry | None]:
    """The reviewed request and, when accepted, the new version and its history entry."""
    review = decide_review(
        request.review, actor=actor, accept=accept, on=on, what=WHAT, reason=reason, remarks=remarks
    )
    reviewed = request.model_copy(update={"review": review})
    if review.state is not ReviewState.ACCEPTED:
        return reviewed, None, None
    version = apply_change(current, request.change)
    entry = CatalogHistoryEntry(
        version=version.number,
        change_id=request.change_id,
        effective_on=on,
        operations=request.change.operations,
    )
    return reviewed, version, entry
