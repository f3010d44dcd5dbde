"""Median, spread and ratio to the floor, as a Markdown table."""

from __future__ import annotations

import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    name: str
    values: list[float]
    floor: list[float] | None = None  # the same work with no code of ours, same units
    goal: str = ""  # the target it answers (ARCHITECTURE.md), as written there

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def ratio(self) -> float | None:
        return self.median / statistics.median(self.floor) if self.floor else None


def number(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def render(heading: str, measures: list[Measure]) -> str:
    with_goals = any(m.goal for m in measures)

    def row(m: Measure) -> str:
        cells = [
            m.name,
            number(m.median),
            f"{number(min(m.values))}–{number(max(m.values))}",
            "" if m.ratio is None else f"{m.ratio:.2f}×",
        ]
        if with_goals:
            cells.append(m.goal)
        return "| " + " | ".join(cells) + " |"

    header = "| measure | median | spread (min–max) | × floor |"
    rule = "|---|---|---|---|"
    if with_goals:
        header, rule = header + " goal |", rule + "---|"
    return "\n".join([heading, "", header, rule, *map(row, measures), ""])
