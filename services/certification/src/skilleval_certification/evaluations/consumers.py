"""The assessment events certification's plan and result projection follows."""

from __future__ import annotations

from skilleval_certification.evaluations.service import EvaluationProjection
from skilleval_shared.events.assessment import (
    PlanAccepted,
    PlanResubmitted,
    PlanReturned,
    PlanSubmitted,
    ResultRecorded,
)
from skilleval_shared.messaging import EventConsumer


def register(consumer: EventConsumer, evaluations: EvaluationProjection) -> None:
    consumer.on(PlanSubmitted, PlanResubmitted)(evaluations.record_plan)
    consumer.on(PlanAccepted, PlanReturned)(evaluations.record_plan_decision)
    consumer.on_batch(ResultRecorded)(evaluations.record_results)
