"""信用档案: one aggregate per enterprise (kind ``credit``, id USCC), appended to by staff."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import uuid_utils
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from skilleval_filing.actors import Caller
from skilleval_filing.credit.model import KIND_LABELS, CreditKind, CreditRecord, record_credit
from skilleval_shared.envelope import utc_now, wrap
from skilleval_shared.events.filing import CreditRecorded
from skilleval_shared.fields import LongText
from skilleval_shared.repository import retry_on_conflict
from skilleval_shared.storage.aggregates import AggregateStore

KIND = "credit"
Reference = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z:._/-]{0,63}$")]


class CreditForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: CreditKind = Field(title="信用记录类型")
    description: LongText = Field(title="记录事由")
    reference_id: Reference | None = Field(default=None, title="来源（如抽查或投诉编号）")


class Entry(BaseModel):
    model_config = ConfigDict(frozen=True)

    record: CreditRecord
    recorded_by: str
    recorded_at: datetime


class CreditFile(BaseModel):
    model_config = ConfigDict(frozen=True)

    uscc: str
    entries: tuple[Entry, ...] = ()


async def entries(store: AggregateStore, uscc: str) -> tuple[Entry, ...]:
    found = await store.load(uscc)
    return CreditFile.model_validate(found.state).entries if found else ()


async def record(
    *, store: AggregateStore, caller: Caller, uscc: str, form: CreditForm, on: date
) -> Entry:
    credit = record_credit(
        actor=caller.actor,
        record_id=str(uuid_utils.uuid7()),
        uscc=uscc,
        kind=form.kind,
        description=form.description,
        on=on,
        reference_id=form.reference_id,
    )
    entry = Entry(record=credit, recorded_by=caller.by, recorded_at=utc_now())
    event = CreditRecorded(
        uscc=uscc,
        record_id=credit.record_id,
        kind=credit.kind,
        description=credit.description,
        recorded_by=entry.recorded_by,
        reference_id=credit.reference_id,
    )

    async def attempt() -> Entry:
        found = await store.load(uscc)
        current = CreditFile.model_validate(found.state) if found else CreditFile(uscc=uscc)
        updated = current.model_copy(update={"entries": (*current.entries, entry)})
        await store.commit(
            uscc, found.version if found else 0, updated.model_dump(mode="json"), [wrap(event)]
        )
        return entry

    return await retry_on_conflict(attempt)


def view(entry: Entry) -> dict[str, Any]:
    return entry.record.model_dump(mode="json") | {
        "kind_label": KIND_LABELS[entry.record.kind],
        "recorded_by": entry.recorded_by,
        "recorded_at": entry.recorded_at.isoformat(),
    }
