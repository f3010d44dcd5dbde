from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from skilleval_filing.credit.model import KIND_LABELS, CreditKind, CreditRecord, record_credit
from skilleval_filing.filings.lifecycle import Actor
from skilleval_shared.domain_errors import NotPermitted
from support.filing_samples import USCC

TODAY = date(2026, 11, 6)


def record(**overrides: Any) -> CreditRecord:
    fields: dict[str, Any] = {
        "actor": Actor.CITY_CENTER,
        "record_id": "R-1",
        "uscc": USCC,
        "kind": CreditKind.VIOLATION,
        "description": "为未参加考核人员发放证书",
        "on": TODAY,
        "reference_id": "P-1",
    }
    return record_credit(**(fields | overrides))


def test_staff_record_credit_traced_to_its_source() -> None:
    entry = record()

    assert (entry.uscc, entry.kind, entry.reference_id) == (USCC, CreditKind.VIOLATION, "P-1")
    assert entry.is_bad


def test_a_commendation_is_good_credit() -> None:
    assert not record(kind=CreditKind.COMMENDATION).is_bad


@pytest.mark.parametrize("actor", [Actor.ENTERPRISE, Actor.PUBLIC, Actor.SYSTEM])
def test_only_staff_record_credit(actor: Actor) -> None:
    with pytest.raises(NotPermitted, match="无权记录信用档案"):
        record(actor=actor)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [({"description": ""}, "不能为空"), ({"uscc": "91350100M000100Y44"}, "校验位错误")],
)
def test_bad_records_are_refused(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        record(**overrides)


def test_every_kind_has_a_chinese_label() -> None:
    assert set(KIND_LABELS) == set(CreditKind)
