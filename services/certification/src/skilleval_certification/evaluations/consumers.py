"""The assessment events certification's plan and result projection follows."""

from __future__ import annotations

from skilleval_certification.evaluations.service import EvaluationProjection
from skilleval_shared.events.assessment import (
    CandidatesRegistered,
    PlanAccepted,
    PlanResubmitted,
    PlanReturned,
    PlanSubmitted,
    ResultCorrected,
    ResultRecorded,
    ResultsRecorded,
)
from skilleval_shared.messaging import EventConsumer


def register(consumer: EventConsumer, evaluations: EvaluationProjection) -> None:
    consumer.on(PlanSubmitted, PlanResubmitted)(evaluations.record_plan)
    consumer.on(PlanAccepted, PlanReturned)(evaluations.record_plan_decision)
    # What assessment publishes: candidates in batches, then results in batches and corrections
    # (the single-result event too). One partition keeps registrations before their results.
    consumer.on(CandidatesRegistered)(evaluations.record_registrations)
    consumer.on_batch(ResultRecorded, ResultsRecorded, ResultCorrected)(evaluations.record_results)
