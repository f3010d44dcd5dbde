"""The review every document filed with the centre goes through: submitted, then accepted or
rejected by city-centre staff. Used by catalog changes and entrusted-evaluation agreements."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from skilleval_filing.filings.lifecycle import STAFF, Actor, FilingState
from skilleval_filing.filings.remarks import Remark, checked_remarks
from skilleval_shared.domain_errors import IllegalTransition, InvalidRequest, NotPermitted
from skilleval_shared.fields import bounded_text


class ReviewState(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    ReviewState.SUBMITTED: "待审核",
    ReviewState.ACCEPTED: "已通过",
    ReviewState.REJECTED: "未通过",
}


class Review(BaseModel):
    model_config = ConfigDict(frozen=True)

    state: ReviewState = ReviewState.SUBMITTED
    reason: str | None = None
    remarks: tuple[Remark, ...] = ()
    reviewed_on: date | None = None


def ensure_submitter(actor: Actor, filing_state: FilingState, what: str) -> None:
    """Only a filed enterprise (not suspended, not revoked) may submit ``what``."""
    if actor is not Actor.ENTERPRISE:
        raise NotPermitted(f"“{actor.label}”无权提交{what}")
    if filing_state is not FilingState.FILED:
        raise IllegalTransition(f"备案状态为“{filing_state.label}”，不能提交{what}")


def decide_review(
    current: Review,
    *,
    actor: Actor,
    accept: bool,
    on: date,
    what: str,
    reason: str = "",
    remarks: Sequence[Remark] = (),
) -> Review:
    """The reviewed ``current``; a rejection must give its reason."""
    if actor not in STAFF:
        raise NotPermitted(f"“{actor.label}”无权审核{what}")
    if current.state is not ReviewState.SUBMITTED:
        raise IllegalTransition(f"{what}当前状态为“{current.state.label}”，不能再次审核")
    if accept:
        return Review(state=ReviewState.ACCEPTED, reviewed_on=on)
    try:
        checked = bounded_text(2000, multiline=True)(reason)
    except ValueError as error:
        raise InvalidRequest(f"不予通过{what}须说明理由：理由{error}") from None
    return Review(
        state=ReviewState.REJECTED,
        reason=checked,
        remarks=checked_remarks(remarks, required=False),
        reviewed_on=on,
    )
