"""A roster after validation: its two reviews, the numbering order and the issued record.

validated → city_approved → province_approved → numbering → issued; either review may reject
the whole roster (terminal) or single rows with remarks while approving the rest. Only a row
that passed validation and neither centre rejected is numbered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer

from skilleval_certification.institutions.model import Institution
from skilleval_certification.numbering.model import require_serial
from skilleval_certification.rosters.validation import CheckedRow
from skilleval_shared.domain_errors import IllegalTransition, InvalidRequest
from skilleval_shared.envelope import EventData
from skilleval_shared.events.certification import (
    MAX_ROW_ERRORS,
    NumberingRequested,
    ReviewStage,
    RosterCityApproved,
    RosterCityRejected,
    RosterIssued,
    RosterProvinceApproved,
    RosterProvinceRejected,
    RosterRowsRejected,
    RosterValidated,
    RowError,
)
from skilleval_shared.events.fields import Remark

KIND = "roster"


class RosterStatus(StrEnum):
    VALIDATED = "validated"
    CITY_APPROVED = "city_approved"
    CITY_REJECTED = "city_rejected"
    PROVINCE_APPROVED = "province_approved"
    PROVINCE_REJECTED = "province_rejected"
    NUMBERING = "numbering"
    ISSUED = "issued"


STATUS_TITLES = {
    RosterStatus.VALIDATED: "校验完成，待市级审核",
    RosterStatus.CITY_APPROVED: "市级审核通过，待省级审核",
    RosterStatus.CITY_REJECTED: "市级审核未通过",
    RosterStatus.PROVINCE_APPROVED: "省级审核通过，待编号",
    RosterStatus.PROVINCE_REJECTED: "省级审核未通过",
    RosterStatus.NUMBERING: "编号发证中",
    RosterStatus.ISSUED: "证书已发放",
}


def runs_text(seqs: Iterable[int]) -> str:
    """序号 as runs, ``1-4,6,9-10000``: a 10,000-row roster's passed rows in a few bytes, where a
    list of numbers is ~200 KB that FerretDB decodes number by number on every load."""
    runs: list[list[int]] = []
    for seq in seqs:
        if runs and seq == runs[-1][1] + 1:
            runs[-1][1] = seq
        else:
            runs.append([seq, seq])
    return ",".join(f"{a}-{b}" if a != b else str(a) for a, b in runs)


def from_runs(value: Any) -> Any:
    """The 序号 of ``runs_text``; a list (as rosters were stored before) passes through."""
    if not isinstance(value, str):
        return value
    seqs: list[int] = []
    for run in filter(None, value.split(",")):
        first, _, last = run.partition("-")
        seqs.extend(range(int(first), int(last or first) + 1))
    return tuple(seqs)


# 序号 in order, stored as runs (``runs_text``).
Seqs = Annotated[
    tuple[int, ...],
    BeforeValidator(from_runs),
    PlainSerializer(runs_text, return_type=str, when_used="json"),
]


class Review(BaseModel):
    model_config = ConfigDict(frozen=True)

    stage: ReviewStage
    approved: bool
    reviewed_by: str
    remarks: tuple[Remark, ...] = ()
    rejected_seqs: tuple[int, ...] = ()


class Roster(BaseModel):
    model_config = ConfigDict(frozen=True)

    roster_id: str
    institution_uscc: str
    institution_name: str
    plan_id: str
    row_count: int
    chunk_count: int
    status: RosterStatus = RosterStatus.VALIDATED
    passed_seqs: Seqs = ()
    failed_count: int = 0
    reviews: tuple[Review, ...] = ()
    issue_date: date | None = None
    numbering_refused: str | None = None
    # The numbering orders given since the last request, and when the latest was given.
    numbering_orders: int = 0
    numbering_ordered_at: datetime | None = None
    certificate_count: int = 0
    # Approved rows left without a certificate: the person held a valid one of the same
    # occupation and level by the time of issue (another roster's issuance won).
    held_elsewhere_seqs: tuple[int, ...] = ()

    @property
    def passed_count(self) -> int:
        return len(self.passed_seqs)

    def rejected_seqs(self) -> set[int]:
        return {seq for review in self.reviews for seq in review.rejected_seqs}

    def approved_seqs(self) -> list[int]:
        rejected = self.rejected_seqs()
        return [seq for seq in self.passed_seqs if seq not in rejected]


def validated(
    *,
    roster_id: str,
    institution_uscc: str,
    institution_name: str,
    plan_id: str,
    chunk_count: int,
    rows: Sequence[CheckedRow],
) -> tuple[Roster, list[EventData]]:
    failing = [row for row in rows if not row.ok]
    errors = [
        RowError(seq=row.row.seq, column=problem.column, message=problem.message)
        for row in failing
        for problem in row.problems
    ]
    roster = Roster(
        roster_id=roster_id,
        institution_uscc=institution_uscc,
        institution_name=institution_name,
        plan_id=plan_id,
        row_count=len(rows),
        chunk_count=chunk_count,
        passed_seqs=tuple(row.row.seq for row in rows if row.ok),
        failed_count=len(failing),
    )
    event = RosterValidated(
        roster_id=roster_id,
        institution_uscc=institution_uscc,
        ok=not errors,
        row_count=len(rows),
        error_count=len(errors),
        errors=tuple(errors[:MAX_ROW_ERRORS]),
    )
    return roster, [event]


def _expect(roster: Roster, status: RosterStatus, action: str) -> None:
    if roster.status is not status:
        raise IllegalTransition(f"名册当前状态为“{STATUS_TITLES[roster.status]}”，不能{action}")


def review(
    roster: Roster,
    *,
    stage: ReviewStage,
    approve: bool,
    reviewed_by: str,
    remarks: Sequence[Remark] = (),
    rejected_rows: Mapping[int, str] | None = None,
) -> tuple[Roster, list[EventData]]:
    """The city centre's (first) or the province centre's (second) decision on the roster."""
    rejected_rows = dict(rejected_rows or {})
    city = stage is ReviewStage.CITY
    _expect(
        roster,
        RosterStatus.VALIDATED if city else RosterStatus.CITY_APPROVED,
        "进行市级审核" if city else "进行省级审核",
    )
    ids = {"roster_id": roster.roster_id, "institution_uscc": roster.institution_uscc}
    if not approve:
        if not remarks:
            raise InvalidRequest("退回名册须填写审核意见")
        done = Review(stage=stage, approved=False, reviewed_by=reviewed_by, remarks=tuple(remarks))
        status = RosterStatus.CITY_REJECTED if city else RosterStatus.PROVINCE_REJECTED
        rejected_class = RosterCityRejected if city else RosterProvinceRejected
        return (
            roster.model_copy(update={"status": status, "reviews": (*roster.reviews, done)}),
            [rejected_class(**ids, reviewed_by=reviewed_by, remarks=tuple(remarks))],
        )
    open_seqs = set(roster.approved_seqs())
    unknown = sorted(set(rejected_rows) - open_seqs)
    if unknown:
        raise InvalidRequest(
            f"以下序号不是待审核的合格行：{'、'.join(map(str, unknown[:20]))}",
            errors=[{"field": "rejected_rows", "message": "只能退回校验合格且未被退回的行"}],
        )
    if not open_seqs - set(rejected_rows):
        raise InvalidRequest("名册中没有可审核通过的行，请退回整个名册")
    seqs = tuple(sorted(rejected_rows))
    events: list[EventData] = []
    row_remarks = tuple(Remark(item=f"row:{seq}", text=rejected_rows[seq]) for seq in seqs)
    if seqs:
        events.append(
            RosterRowsRejected(
                **ids, reviewed_by=reviewed_by, stage=stage, seqs=seqs, remarks=row_remarks[:100]
            )
        )
    approved_class = RosterCityApproved if city else RosterProvinceApproved
    events.append(approved_class(**ids, reviewed_by=reviewed_by, remarks=tuple(remarks)))
    done = Review(
        stage=stage,
        approved=True,
        reviewed_by=reviewed_by,
        remarks=(*remarks, *row_remarks),
        rejected_seqs=seqs,
    )
    status = RosterStatus.CITY_APPROVED if city else RosterStatus.PROVINCE_APPROVED
    return roster.model_copy(update={"status": status, "reviews": (*roster.reviews, done)}), events


def request_numbering(
    roster: Roster,
    *,
    institution: Institution | None,
    issue_date: date,
    at: datetime | None = None,
) -> tuple[Roster, list[EventData]]:
    """Order the numbering of a fully reviewed roster; refused while the serial is missing."""
    _expect(roster, RosterStatus.PROVINCE_APPROVED, "申请编号")
    serial = require_serial(institution.institution_serial if institution else None)
    assert institution is not None
    event = NumberingRequested(
        roster_id=roster.roster_id,
        institution_uscc=roster.institution_uscc,
        institution_name=institution.name or roster.institution_name,
        institution_category=institution.category,
        institution_code=institution.institution_code,
        province_code=institution.province_code,
        institution_serial=serial,
        issue_date=issue_date,
        row_count=len(roster.approved_seqs()),
    )
    update = {
        "status": RosterStatus.NUMBERING,
        "issue_date": issue_date,
        "numbering_refused": None,
        "numbering_orders": 1,
        "numbering_ordered_at": at,
    }
    return roster.model_copy(update=update), [event]


def numbering_stalled(roster: Roster, *, at: datetime, after_seconds: float) -> bool:
    """Ordered, not issued, and the latest order older than ``after_seconds``."""
    if roster.status is not RosterStatus.NUMBERING:
        return False
    ordered = roster.numbering_ordered_at
    return ordered is None or (at - ordered).total_seconds() >= after_seconds


def reorder_numbering(
    roster: Roster,
    *,
    institution: Institution | None,
    at: datetime,
    max_orders: int,
) -> tuple[Roster, list[EventData]]:
    """A stalled numbering ordered again, with the same issue date; after ``max_orders`` orders
    the roster goes back to "province_approved" and says why, so that it can be asked again."""
    _expect(roster, RosterStatus.NUMBERING, "重新编号")
    assert roster.issue_date is not None
    if roster.numbering_orders >= max_orders:
        reason = (
            f"证书编号发放已尝试{roster.numbering_orders}次仍未完成，"
            "请稍后重新申请编号；如仍失败请联系系统管理员"
        )
        update = {"status": RosterStatus.PROVINCE_APPROVED, "numbering_refused": reason}
        return roster.model_copy(update=update), []
    again = roster.model_copy(update={"status": RosterStatus.PROVINCE_APPROVED})
    ordered, events = request_numbering(
        again, institution=institution, issue_date=roster.issue_date, at=at
    )
    return ordered.model_copy(update={"numbering_orders": roster.numbering_orders + 1}), events


def numbering_refused(roster: Roster, reason: str) -> Roster:
    return roster.model_copy(update={"numbering_refused": reason})


def issued(
    roster: Roster, *, certificate_count: int, refused_seqs: Sequence[int] = ()
) -> tuple[Roster, list[EventData]]:
    _expect(roster, RosterStatus.NUMBERING, "登记发证")
    assert roster.issue_date is not None
    update = {
        "status": RosterStatus.ISSUED,
        "certificate_count": certificate_count,
        "held_elsewhere_seqs": tuple(refused_seqs),
    }
    if not certificate_count:  # every approved person held a valid certificate by then
        return roster.model_copy(update=update), []
    event = RosterIssued(
        roster_id=roster.roster_id,
        institution_uscc=roster.institution_uscc,
        certificate_count=certificate_count,
        issue_date=roster.issue_date,
    )
    return roster.model_copy(update=update), [event]
