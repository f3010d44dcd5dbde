"""Working days for the public notice (公示), with holidays and make-up working weekends (调休).

The calendar is data supplied by configuration each year, not something derived here.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from dataclasses import dataclass
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, model_validator

DEFAULT_NOTICE_WORKING_DAYS = 5
MAX_NOTICE_WORKING_DAYS = 60
_SATURDAY = 5


class NoticeWindow(BaseModel):
    """The notice runs from ``starts_on`` to ``ends_on``, both inclusive."""

    model_config = ConfigDict(frozen=True)

    accepted_on: date
    starts_on: date
    ends_on: date
    working_days: int

    @model_validator(mode="after")
    def _ordered(self) -> NoticeWindow:
        if not self.accepted_on < self.starts_on <= self.ends_on:
            raise ValueError("公示期日期顺序不正确")
        return self

    def accepts_objection_on(self, day: date) -> bool:
        # The notice is public from acceptance, so an objection may come before the first day.
        return self.accepted_on <= day <= self.ends_on

    def has_ended_by(self, day: date) -> bool:
        return day > self.ends_on

    @property
    def closes_on(self) -> date:
        """The first day on which the end of the notice may be processed."""
        return self.ends_on + timedelta(days=1)


@dataclass(frozen=True)
class NoticeCalendar:
    holidays: Set[date] = frozenset()
    extra_workdays: Set[date] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "extra_workdays", frozenset(self.extra_workdays))
        clash = self.holidays & self.extra_workdays
        if clash:
            days = "、".join(day.isoformat() for day in sorted(clash))
            raise ValueError(f"日期不能既是节假日又是调休工作日：{days}")

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < _SATURDAY

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        candidate = day + timedelta(days=1)
        while not self.is_working_day(candidate):
            candidate += timedelta(days=1)
        return candidate

    def add_working_days(self, start: date, n: int) -> date:
        """Last day of an ``n``-working-day period beginning the working day after ``start``."""
        if n < 1:
            raise ValueError("公示期至少为1个工作日")
        day = start
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def notice_window(
        self, accepted_on: date, working_days: int = DEFAULT_NOTICE_WORKING_DAYS
    ) -> NoticeWindow:
        if not 1 <= working_days <= MAX_NOTICE_WORKING_DAYS:
            raise ValueError(f"公示期应为1至{MAX_NOTICE_WORKING_DAYS}个工作日")
        return NoticeWindow(
            accepted_on=accepted_on,
            starts_on=self.next_working_day(accepted_on),
            ends_on=self.add_working_days(accepted_on, working_days),
            working_days=working_days,
        )


def parse_calendar(lines: str | Iterable[str]) -> NoticeCalendar:
    """Read ``YYYY-MM-DD holiday`` / ``YYYY-MM-DD workday`` lines; ``#`` starts a comment."""
    if isinstance(lines, str):
        lines = lines.splitlines()
    holidays: set[date] = set()
    workdays: set[date] = set()
    for number, raw in enumerate(lines, start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        container = line.split()
        if len(container) != 2 or container[1] not in ("holiday", "workday"):
            raise ValueError(f"节假日日历第{number}行格式应为“YYYY-MM-DD holiday|workday”")
        try:
            day = date.fromisoformat(container[0])
        except ValueError:
            raise ValueError(f"节假日日历第{number}行日期“{container[0]}”无效") from None
        (holidays if container[1] == "holiday" else workdays).add(day)
    return NoticeCalendar(holidays, workdays)
