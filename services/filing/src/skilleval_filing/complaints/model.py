"""投诉举报: complaints and reports from the public about an enterprise, handled by staff."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from skilleval_filing.filings.lifecycle import STAFF, Actor
from skilleval_shared.domain_errors import IllegalTransition, InvalidRequest, NotPermitted
from skilleval_shared.events.filing_parts import ComplaintKind, ComplaintOutcome
from skilleval_shared.fields import LongText, Name, bounded_text
from skilleval_shared.validation import USCC, Email, Phone

__all__ = [
    "KIND_LABELS",
    "OUTCOME_LABELS",
    "Complaint",
    "ComplaintForm",
    "ComplaintKind",
    "ComplaintOutcome",
    "ComplaintState",
    "receive_complaint",
    "resolve_complaint",
    "start_handling",
]

_CERTIFICATE_NUMBER = re.compile(r"[YS][0-9]{21}")


def _certificate_number(value: str) -> str:
    number = value.strip().upper()
    if not _CERTIFICATE_NUMBER.fullmatch(number):
        raise ValueError("证书编号应为1位大写字母Y或S加21位数字")
    return number


class ComplaintState(StrEnum):
    RECEIVED = "received"
    HANDLING = "handling"
    RESOLVED = "resolved"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    ComplaintState.RECEIVED: "已受理",
    ComplaintState.HANDLING: "核实处理中",
    ComplaintState.RESOLVED: "已办结",
}


# What users read for the shared events' codes.
KIND_LABELS = {ComplaintKind.COMPLAINT: "投诉", ComplaintKind.REPORT: "举报"}
OUTCOME_LABELS = {
    ComplaintOutcome.SUBSTANTIATED: "属实",
    ComplaintOutcome.UNSUBSTANTIATED: "不属实",
}


class ComplaintForm(BaseModel):
    """What the public submits: a name is optional, a way to reply is not."""

    model_config = ConfigDict(frozen=True)

    kind: ComplaintKind = Field(default=ComplaintKind.COMPLAINT, title="类型")
    submitter_name: Name | None = Field(default=None, title="投诉人姓名")
    contact_phone: Phone | None = Field(default=None, title="联系电话")
    contact_email: Email | None = Field(default=None, title="电子邮箱")
    target_uscc: USCC = Field(title="被投诉企业统一社会信用代码")
    certificate_number: Annotated[str, AfterValidator(_certificate_number)] | None = Field(
        default=None, title="涉及的证书编号"
    )
    text: LongText = Field(title="投诉举报内容")

    @model_validator(mode="after")
    def _reachable(self) -> ComplaintForm:
        if self.contact_phone is None and self.contact_email is None:
            raise ValueError("请至少留下联系电话或电子邮箱中的一项")
        return self


class Complaint(BaseModel):
    model_config = ConfigDict(frozen=True)

    complaint_id: str
    form: ComplaintForm
    received_on: date
    state: ComplaintState = ComplaintState.RECEIVED
    outcome: ComplaintOutcome | None = None
    resolution: str | None = None
    resolved_on: date | None = None


def receive_complaint(complaint_id: str, form: ComplaintForm, on: date) -> Complaint:
    return Complaint(complaint_id=complaint_id, form=form, received_on=on)


def _ensure(complaint: Complaint, actor: Actor, expected: ComplaintState, action: str) -> None:
    if actor not in STAFF:
        raise NotPermitted(f"“{actor.label}”无权{action}")
    if complaint.state is not expected:
        raise IllegalTransition(f"投诉当前状态为“{complaint.state.label}”，不能{action}")


def start_handling(complaint: Complaint, *, actor: Actor) -> Complaint:
    _ensure(complaint, actor, ComplaintState.RECEIVED, "开始核实处理")
    return complaint.model_copy(update={"state": ComplaintState.HANDLING})


def resolve_complaint(
    complaint: Complaint, *, actor: Actor, outcome: ComplaintOutcome, resolution: str, on: date
) -> Complaint:
    """Staff close a complaint with what their check found, which must be written down."""
    _ensure(complaint, actor, ComplaintState.HANDLING, "办结投诉")
    try:
        checked = bounded_text(2000, multiline=True)(resolution)
    except ValueError as error:
        raise InvalidRequest(f"处理结果{error}") from None
    update = {
        "state": ComplaintState.RESOLVED,
        "outcome": outcome,
        "resolution": checked,
        "resolved_on": on,
    }
    return complaint.model_copy(update=update)


class ComplaintRecord(BaseModel):
    """The stored aggregate: the complaint and who received, handled and resolved it."""

    model_config = ConfigDict(frozen=True)

    complaint: Complaint
    received_at: datetime
    handled_by: str | None = None
    resolved_by: str | None = None
