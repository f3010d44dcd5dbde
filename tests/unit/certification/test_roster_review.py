from __future__ import annotations

from datetime import date

import pytest

from skilleval_certification.numbering.model import MissingInstitutionSerial
from skilleval_certification.rosters.model import (
    Roster,
    RosterStatus,
    issued,
    request_numbering,
    review,
    validated,
)
from skilleval_certification.rosters.validation import CheckedRow, Problem
from skilleval_shared.domain_errors import IllegalTransition, InvalidRequest
from skilleval_shared.events.certification import (
    NumberingRequested,
    ReviewStage,
    RosterCityApproved,
    RosterProvinceRejected,
    RosterRowsRejected,
    RosterValidated,
)
from skilleval_shared.events.fields import Remark
from support.certification_samples import USCC, institution, row

CITY, PROVINCE = ReviewStage.CITY, ReviewStage.PROVINCE
REMARK = (Remark(item="roster", text="材料不全"),)


def a_roster(bad: int = 1):
    rows = [CheckedRow(row=row(seq)) for seq in range(1, 5)]
    rows += [
        CheckedRow(
            row=row(seq), problems=(Problem(column="id_number", message="身份证号码校验位错误"),)
        )
        for seq in range(5, 5 + bad)
    ]
    return validated(
        roster_id="r1",
        institution_uscc=USCC,
        institution_name="示例",
        plan_id="p1",
        chunk_count=1,
        rows=rows,
    )


def test_validation_counts_passed_and_failed_rows() -> None:
    roster, events = a_roster(bad=2)
    assert (roster.passed_count, roster.failed_count) == (4, 2)
    event = events[0]
    assert isinstance(event, RosterValidated)
    assert (event.ok, event.row_count, event.error_count) == (False, 6, 2)


def test_two_reviews_then_numbering_of_the_rows_nobody_rejected() -> None:
    roster, _ = a_roster()
    roster, events = review(
        roster, stage=CITY, approve=True, reviewed_by="c1", rejected_rows={2: "照片不清"}
    )
    assert [type(e) for e in events] == [RosterRowsRejected, RosterCityApproved]
    roster, _ = review(
        roster, stage=PROVINCE, approve=True, reviewed_by="p1", rejected_rows={3: "学历不符"}
    )
    assert roster.status is RosterStatus.PROVINCE_APPROVED
    assert roster.approved_seqs() == [1, 4]
    roster, events = request_numbering(
        roster, institution=institution(), issue_date=date(2026, 3, 20)
    )
    assert roster.status is RosterStatus.NUMBERING
    order = events[0]
    assert isinstance(order, NumberingRequested)
    assert (order.row_count, order.institution_serial, order.issue_date) == (
        2,
        "000123",
        date(2026, 3, 20),
    )
    roster, _ = issued(roster, certificate_count=2)
    assert roster.status is RosterStatus.ISSUED


def test_province_cannot_review_before_the_city() -> None:
    roster, _ = a_roster()
    with pytest.raises(IllegalTransition, match="不能进行省级审核"):
        review(roster, stage=PROVINCE, approve=True, reviewed_by="p1")


def test_rejecting_the_roster_needs_remarks_and_ends_it() -> None:
    roster, _ = a_roster()
    roster, _ = review(roster, stage=CITY, approve=True, reviewed_by="c1")
    with pytest.raises(InvalidRequest):
        review(roster, stage=PROVINCE, approve=False, reviewed_by="p1")
    roster, events = review(roster, stage=PROVINCE, approve=False, reviewed_by="p1", remarks=REMARK)
    assert isinstance(events[0], RosterProvinceRejected)
    assert roster.status is RosterStatus.PROVINCE_REJECTED
    with pytest.raises(IllegalTransition):
        request_numbering(roster, institution=institution(), issue_date=date(2026, 3, 20))


def test_only_passing_rows_can_be_rejected_singly_and_something_must_remain() -> None:
    roster, _ = a_roster()
    with pytest.raises(InvalidRequest, match="5"):
        review(roster, stage=CITY, approve=True, reviewed_by="c1", rejected_rows={5: "x"})
    with pytest.raises(InvalidRequest):
        review(
            roster,
            stage=CITY,
            approve=True,
            reviewed_by="c1",
            rejected_rows={s: "x" for s in range(1, 5)},
        )


def test_numbering_is_refused_without_the_institution_serial() -> None:
    roster, _ = a_roster()
    roster, _ = review(roster, stage=CITY, approve=True, reviewed_by="c1")
    roster, _ = review(roster, stage=PROVINCE, approve=True, reviewed_by="p1")
    with pytest.raises(MissingInstitutionSerial, match="机构序号"):
        request_numbering(
            roster, institution=institution(institution_serial=None), issue_date=date(2026, 3, 20)
        )


@pytest.mark.parametrize(
    "seqs",
    [(), (1,), tuple(range(1, 10_001)), (1, 2, 3, 5, 9, 10), (3, 1, 2), (1, 1, 2), (7, 100_000)],
)
def test_passed_rows_are_stored_as_runs_and_read_back_as_they_were(seqs) -> None:
    roster = Roster(
        roster_id="r1",
        institution_uscc=USCC,
        institution_name="示例",
        plan_id="p1",
        row_count=len(seqs),
        chunk_count=1,
        passed_seqs=seqs,
    )
    stored = roster.model_dump(mode="json")
    assert isinstance(stored["passed_seqs"], str) and len(stored["passed_seqs"]) < 40
    assert Roster.model_validate(stored) == roster
    # a roster stored before runs, with a list of numbers, reads the same
    assert Roster.model_validate(stored | {"passed_seqs": list(seqs)}) == roster
