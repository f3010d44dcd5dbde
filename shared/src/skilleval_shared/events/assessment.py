"""Events of the assessment service: evaluation plans, registration, results and rosters.

All are keyed by the USCC of the enterprise that runs the evaluation (the issuing institution),
so a roster's header and its row chunks arrive in order on one partition.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Self

from pydantic import Field, model_validator

from skilleval_shared import topics
from skilleval_shared.envelope import EventData
from skilleval_shared.events.assessment_parts import (
    MAX_ROOMS,
    MAX_STAFF,
    MAX_SUBJECTS,
    AssessmentMethod,
    Candidate,
    Eligibility,
    EvaluationContent,
    ExamRoom,
    PlanSubject,
    Registration,
    ResultEntry,
    StaffAssignment,
)
from skilleval_shared.events.fields import (
    Clause,
    Identifier,
    IdNumber,
    Label,
    Level,
    LevelTier,
    LongText,
    Name,
    OccupationCode,
    Remarks,
    Score,
    Sha256,
    ShortText,
    Uscc,
)
from skilleval_shared.events.roster import ROWS_PER_CHUNK, RosterRow, chunk_count
from skilleval_shared.validation.id_number import IdType

MAX_ROSTER_ROWS = 100_000


class AssessmentEvent(EventData):
    service: ClassVar[str] = "assessment"
    topic: ClassVar[str] = topics.ASSESSMENT_EVENTS
    key_field: ClassVar[str] = "uscc"
    subject_field: ClassVar[str] = "plan_id"

    uscc: Uscc


class _PlanContent(AssessmentEvent):
    """评价考核方案: conditions, time, place, content and methods, rooms and staffing."""

    aggregate: ClassVar[str] = "plan"

    plan_id: Identifier
    title: ShortText
    # Set when evaluating another enterprise's workers under an accepted entrustment.
    entrustment_id: Identifier | None = None
    client_uscc: Uscc | None = None
    eligibility: Eligibility
    subjects: tuple[PlanSubject, ...] = Field(min_length=1, max_length=MAX_SUBJECTS)
    starts_at: datetime
    ends_at: datetime
    place: ShortText
    expected_candidates: int = Field(ge=1, le=MAX_ROSTER_ROWS)
    pass_mark: int = Field(default=60, ge=0, le=100)
    rooms: tuple[ExamRoom, ...] = Field(min_length=1, max_length=MAX_ROOMS)
    staff: tuple[StaffAssignment, ...] = Field(min_length=1, max_length=MAX_STAFF)
    # 评价内容 and the standard each is evaluated against.
    contents: tuple[EvaluationContent, ...] = Field(default=(), max_length=6)
    # The enterprise's own tiers (特级技师, 首席技师…) and the national level each maps to.
    tiers: tuple[LevelTier, ...] = Field(default=(), max_length=10)
    # 参加评价人员信息, frozen at submission: how many, and the digest of their registrations
    # (the registrations themselves travel as ``CandidatesRegistered``).
    candidate_count: int = Field(default=0, ge=0, le=MAX_ROSTER_ROWS)
    candidates_sha256: Sha256 | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.ends_at < self.starts_at:
            raise ValueError("the evaluation ends before it starts")
        if (self.entrustment_id is None) != (self.client_uscc is None):
            raise ValueError("entrustment_id and client_uscc go together")
        return self


class PlanSubmitted(_PlanContent):
    action: ClassVar[str] = "submitted"


class PlanResubmitted(_PlanContent):
    """Submitted again after being returned."""

    action: ClassVar[str] = "resubmitted"


class PlanAccepted(AssessmentEvent):
    aggregate: ClassVar[str] = "plan"
    action: ClassVar[str] = "accepted"

    plan_id: Identifier
    decided_by: Identifier


class PlanReturned(AssessmentEvent):
    aggregate: ClassVar[str] = "plan"
    action: ClassVar[str] = "returned"

    plan_id: Identifier
    decided_by: Identifier
    remarks: Remarks


class PlanSupervised(AssessmentEvent):
    """The city centre's supervision (督导检查) of the evaluation against the plan."""

    aggregate: ClassVar[str] = "plan"
    action: ClassVar[str] = "supervised"

    plan_id: Identifier
    supervised_by: Identifier
    compliant: bool
    findings: LongText


class _RegistrationEvent(AssessmentEvent):
    aggregate: ClassVar[str] = "registration"
    subject_field: ClassVar[str] = "registration_id"

    registration_id: Identifier
    plan_id: Identifier


class RegistrationSubmitted(_RegistrationEvent):
    """报名: one occupation (工种) and level per person per application."""

    action: ClassVar[str] = "submitted"

    candidate: Candidate
    occupation_code: OccupationCode
    occupation_name: Label
    work_type: Label | None = None
    level: Level
    # The eligibility condition the candidate claims to meet.
    condition_id: Identifier


class RegistrationAccepted(_RegistrationEvent):
    action: ClassVar[str] = "accepted"

    candidate_name: Name
    condition_id: Identifier


class RegistrationRejected(_RegistrationEvent):
    action: ClassVar[str] = "rejected"

    candidate_name: Name
    reasons: tuple[Clause, ...] = Field(min_length=1, max_length=20)


class ResultRecorded(_RegistrationEvent):
    """The outcome for one registration; a correction is recorded again and supersedes it."""

    aggregate: ClassVar[str] = "result"
    action: ClassVar[str] = "recorded"

    candidate_name: Name
    id_type: IdType
    id_number: IdNumber
    occupation_code: OccupationCode
    work_type: Label | None = None
    level: Level
    method: AssessmentMethod
    theory_score: Score | None = None
    practical_score: Score | None = None
    review_score: Score | None = None  # 综合评审
    pass_mark: int = Field(default=60, ge=0, le=100)
    passed: bool
    # Competition award or innovation record for direct recognition (直接认定).
    evidence: LongText | None = None
    recorded_by: Identifier


MAX_REGISTRATIONS_PER_EVENT = 32


class CandidatesRegistered(AssessmentEvent):
    """报名 and 资格审核 for a batch of candidates of one plan (one import, or one person): each
    registration carries its eligibility outcome, eligible or not (with the reason); a large
    batch is split over several events of one commit, ``part`` of ``parts``."""

    aggregate: ClassVar[str] = "enrolment"
    action: ClassVar[str] = "registered"

    plan_id: Identifier
    batch_id: Identifier
    part: int = Field(ge=0)
    parts: int = Field(ge=1)
    registrations: tuple[Registration, ...] = Field(
        min_length=1, max_length=MAX_REGISTRATIONS_PER_EVENT
    )

    @model_validator(mode="after")
    def _part_in_range(self) -> Self:
        if self.part >= self.parts:
            raise ValueError("part must be below parts")
        return self


MAX_RESULTS_PER_EVENT = 64


class ResultsRecorded(AssessmentEvent):
    """Results of a batch of registrations (entered or imported), pass/fail by the plan's rules;
    a large batch is split over several events of one commit."""

    aggregate: ClassVar[str] = "results"
    action: ClassVar[str] = "recorded"

    plan_id: Identifier
    recorded_by: Identifier
    part: int = Field(ge=0)
    parts: int = Field(ge=1)
    results: tuple[ResultEntry, ...] = Field(min_length=1, max_length=MAX_RESULTS_PER_EVENT)

    @model_validator(mode="after")
    def _part_in_range(self) -> Self:
        if self.part >= self.parts:
            raise ValueError("part must be below parts")
        return self


class ResultCorrected(AssessmentEvent):
    """A recorded result replaced, with the reason; ``previous`` is what it replaces."""

    aggregate: ClassVar[str] = "results"
    action: ClassVar[str] = "corrected"

    plan_id: Identifier
    corrected_by: Identifier
    reason: Clause
    previous: ResultEntry
    result: ResultEntry


class RosterSubmitted(AssessmentEvent):
    """The header of a roster (附件3), published after all its ``RosterRowsSubmitted`` chunks
    (in the same commit, so in order on the institution's partition): the "complete" signal."""

    aggregate: ClassVar[str] = "roster"
    action: ClassVar[str] = "submitted"
    subject_field: ClassVar[str] = "roster_id"

    roster_id: Identifier
    plan_id: Identifier
    institution_name: ShortText
    row_count: int = Field(ge=1, le=MAX_ROSTER_ROWS)
    chunk_count: int = Field(ge=1)

    @model_validator(mode="after")
    def _chunks_fit(self) -> Self:
        if not chunk_count(self.row_count) <= self.chunk_count <= self.row_count:
            raise ValueError("chunk_count does not fit row_count")
        return self


class RosterRowsSubmitted(AssessmentEvent):
    """One chunk of a roster's rows, numbered from 0."""

    aggregate: ClassVar[str] = "roster-rows"
    action: ClassVar[str] = "submitted"
    subject_field: ClassVar[str] = "roster_id"

    roster_id: Identifier
    chunk_index: int = Field(ge=0)
    chunk_count: int = Field(ge=1)
    rows: tuple[RosterRow, ...] = Field(min_length=1, max_length=ROWS_PER_CHUNK)

    @model_validator(mode="after")
    def _index_in_range(self) -> Self:
        if self.chunk_index >= self.chunk_count:
            raise ValueError("chunk_index must be below chunk_count")
        return self
