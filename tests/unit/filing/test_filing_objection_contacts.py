"""An objector's phone stays with the filing (for staff), never in the published event; an
objection's resolution is short enough to be quoted in the rejection it causes."""

from __future__ import annotations

from datetime import date

import pytest

from skilleval_filing.actors import PUBLIC, Caller
from skilleval_filing.filings import commands as c
from skilleval_filing.filings.decisions import decide
from skilleval_filing.filings.lifecycle import Actor
from skilleval_filing.filings.model import FilingRecord
from skilleval_shared.domain_errors import InvalidRequest
from skilleval_shared.events import filing as s
from support.filing_samples import ALL_MET, USCC, complete_record

ACCEPTED_ON = date(2026, 9, 30)
RAISED_ON = date(2026, 10, 2)
ENTERPRISE = Caller(Actor.ENTERPRISE, USCC, USCC)
CITY = Caller(Actor.CITY_CENTER, "staff:wang")


def on_notice() -> FilingRecord:
    record = complete_record()
    for command, caller in (
        (c.Submit(), ENTERPRISE),
        (c.AcceptForNotice(ACCEPTED_ON, conditions=ALL_MET), CITY),
    ):
        record = decide(record, command, caller).record
    return record


def test_the_phone_is_normalised_and_kept_but_not_published() -> None:
    command = c.RaiseObjection("O-1", RAISED_ON, "异议", contact_phone="138 0013 8000")

    decision = decide(on_notice(), command, PUBLIC)

    assert decision.filing.objections[0].contact_phone == "13800138000"
    (event,) = decision.events
    assert isinstance(event, s.ObjectionRaised)
    assert "13800138000" not in event.model_dump_json()


def test_a_bad_phone_is_refused() -> None:
    command = c.RaiseObjection("O-1", RAISED_ON, "异议", contact_phone="12345")

    with pytest.raises(InvalidRequest, match="联系电话格式不正确"):
        decide(on_notice(), command, PUBLIC)


def test_an_upheld_objection_reason_fits_the_rejection_event() -> None:
    filing = decide(on_notice(), c.RaiseObjection("O-1", RAISED_ON, "异议"), PUBLIC).record

    too_long = c.ResolveObjection("O-1", upheld=True, reason="理" * 1901, resolved_on=RAISED_ON)
    with pytest.raises(InvalidRequest, match="不能超过1900个字"):
        decide(filing, too_long, CITY)

    longest = c.ResolveObjection("O-1", upheld=True, reason="理" * 1900, resolved_on=RAISED_ON)
    rejected = decide(filing, longest, CITY).events[-1]
    assert isinstance(rejected, s.FilingRejected)
    assert len(rejected.reason) <= 2000
