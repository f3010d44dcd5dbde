"""Median, spread and ratio to the floor, as a Markdown table."""

from __future__ import annotations

import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    name: str
    values: list[float]
    floor: list[float] | None = None  # the same work with no code of ours, same units

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def ratio(self) -> float | None:
        return self.median / statistics.median(self.floor) if self.floor else None


def number(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def render(heading: str, measures: list[Measure]) -> str:
    rows = [
        f"| {m.name} | {number(m.median)} | {number(min(m.values))}–{number(max(m.values))} "
        f"| {'' if m.ratio is None else f'{m.ratio:.2f}×'} |"
        for m in measures
    ]
    return "\n".join(
        [
            heading,
            "",
            "| measure | median | spread (min–max) | × floor |",
            "|---|---|---|---|",
            *rows,
            "",
        ]
    )
