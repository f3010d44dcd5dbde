"""The documented JSON Schema of the province sync message is the one the code sends."""

from __future__ import annotations

import json
from pathlib import Path

from skilleval_registry.sync.routes import province_sync_schema
from skilleval_shared.events.roster import ROSTER_COLUMNS

DOCS = Path(__file__).resolve().parents[3] / "services" / "registry" / "docs"


def test_the_committed_schema_is_the_generated_one() -> None:
    committed = json.loads((DOCS / "province-sync.schema.json").read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(province_sync_schema()))


def test_the_row_carries_the_21_roster_columns_in_order() -> None:
    schema = province_sync_schema()
    row = schema["$defs"]["RosterRow"]["properties"]
    assert list(row) == [name for name, _ in ROSTER_COLUMNS]
    text = (DOCS / "province-sync.md").read_text(encoding="utf-8")
    assert all(title in text for _, title in ROSTER_COLUMNS)
