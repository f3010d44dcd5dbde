"""Regression (found by `make e2e`): assessment publishes candidates and results in batches
(``CandidatesRegistered``, ``ResultsRecorded``, ``ResultCorrected``); certification followed only
the single ``ResultRecorded``, so every roster from the running system failed 尚无评价结果."""

from __future__ import annotations

from unittest.mock import MagicMock

import pytest

from skilleval_certification.evaluations.consumers import register
from skilleval_certification.evaluations.model import person_key
from skilleval_certification.evaluations.service import EvaluationProjection
from skilleval_shared.envelope import wrap
from skilleval_shared.events import assessment
from skilleval_shared.events.assessment_parts import ResultEntry
from unit.test_event_catalog import REGISTRATION, RESULT, sample

pytestmark = pytest.mark.integration


async def test_batch_results_and_corrections_reach_the_projection(mongo, make_settings) -> None:
    db = mongo[make_settings("certification").database_name]
    evaluations = EvaluationProjection(db)
    key = person_key(
        REGISTRATION.candidate.id_type, RESULT.id_number, RESULT.occupation_code, RESULT.level
    )
    await evaluations.record_registrations(wrap(sample(assessment.CandidatesRegistered), version=1))
    await evaluations.record_results([wrap(sample(assessment.ResultsRecorded), version=1)])
    assert await evaluations.results_of("plan-1") == {key: RESULT.passed}

    failed: ResultEntry = RESULT.model_copy(update={"passed": not RESULT.passed})
    corrected = sample(assessment.ResultCorrected).model_copy(update={"result": failed})
    await evaluations.record_results([wrap(corrected, version=2)])
    assert await evaluations.results_of("plan-1") == {key: not RESULT.passed}


def test_certification_follows_what_assessment_publishes() -> None:
    handled: list[type] = []

    class Consumer:
        def on(self, *classes: type):  # type: ignore[no-untyped-def]
            handled.extend(classes)
            return lambda handler: handler

        on_batch = on

    register(Consumer(), MagicMock())  # type: ignore[arg-type]
    for cls in (
        assessment.CandidatesRegistered,
        assessment.ResultsRecorded,
        assessment.ResultCorrected,
    ):
        assert cls in handled
