"""The envelope on the wire: structured-mode JSON as the catalog's serializers define it."""

from __future__ import annotations

import json

from skilleval_shared.envelope import envelope_dict, wrap
from skilleval_shared.events import parse_event
from support.filing_samples import filing_filed
from support.samples import USCC


def test_payload_uses_the_concrete_event_serializers():
    event = wrap(filing_filed())
    on_wire = json.loads(event.to_json_bytes())
    # LevelSet is written lowest level first (5、4、3), as on the 附表 form.
    assert on_wire["data"]["catalog"][0]["levels"] == [5, 4, 3]
    assert envelope_dict(event)["data"]["catalog"][0]["levels"] == [5, 4, 3]


def test_envelope_carries_correlation_and_round_trips():
    event = wrap(filing_filed(), correlation_id="corr-1", causation_id="cause-1")
    parsed = parse_event(event.to_json_bytes())
    assert parsed == event
    assert (parsed.correlationid, parsed.causationid) == ("corr-1", "cause-1")
    assert parsed.source == "/skilleval/filing"
    assert parsed.subject == f"F-{USCC}"
