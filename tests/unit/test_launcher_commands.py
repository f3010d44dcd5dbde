"""The launcher's kill/start/restart commands name components; a wrong name changes nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "infra"))
import launcher


def test_components_are_found_by_name_in_the_order_given() -> None:
    found = launcher.named(["notification", "kafka"])
    assert [component.name for component in found] == ["notification", "kafka"]


def test_an_unknown_name_stops_before_anything_is_touched() -> None:
    with pytest.raises(SystemExit, match="unknown component"):
        launcher.named(["kafka", "postgres"])


def test_killing_what_is_not_running_is_a_no_op(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(launcher, "RUN", tmp_path)
    launcher.kill(launcher.named(["filing"])[0])
    assert not (tmp_path / "pids" / "filing.pid").exists()
