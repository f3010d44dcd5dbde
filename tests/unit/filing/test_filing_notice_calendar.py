from __future__ import annotations

from datetime import date, timedelta

import pytest

from skilleval_filing.filings.notice_calendar import (
    DEFAULT_NOTICE_WORKING_DAYS,
    NoticeCalendar,
    parse_calendar,
)

# Representative 2026 holiday data, as an operator would configure it each year. These are test
# fixtures, not law: the real arrangement is whatever the State Council publishes.
CALENDAR_2026 = """
# 元旦
2026-01-01 holiday
2026-01-02 holiday
2026-01-04 workday
# 国庆节、中秋节
2026-10-01 holiday
2026-10-02 holiday
2026-10-05 holiday
2026-10-06 holiday
2026-10-07 holiday
2026-09-27 workday   # Sunday before the holiday
2026-10-10 workday   # Saturday after it
"""


@pytest.fixture
def calendar() -> NoticeCalendar:
    return parse_calendar(CALENDAR_2026)


def test_the_default_notice_lasts_five_working_days() -> None:
    assert DEFAULT_NOTICE_WORKING_DAYS == 5


def test_plain_weekdays_work_and_weekends_rest() -> None:
    plain = NoticeCalendar()

    assert plain.is_working_day(date(2026, 3, 6))  # Friday
    assert not plain.is_working_day(date(2026, 3, 7))  # Saturday
    assert not plain.is_working_day(date(2026, 3, 8))  # Sunday


def test_holidays_rest_and_make_up_weekends_work(calendar: NoticeCalendar) -> None:
    assert not calendar.is_working_day(date(2026, 10, 1))  # Thursday, National Day
    assert calendar.is_working_day(date(2026, 10, 10))  # Saturday, make-up day
    assert calendar.is_working_day(date(2026, 9, 27))  # Sunday, make-up day
    assert calendar.is_working_day(date(2026, 10, 8))


def test_a_notice_without_holidays_skips_the_weekend() -> None:
    # Accepted on Wednesday 4 March 2026: Thu 5, Fri 6, Mon 9, Tue 10, Wed 11.
    assert NoticeCalendar().add_working_days(date(2026, 3, 4), 5) == date(2026, 3, 11)


def test_a_notice_accepted_before_national_day_runs_past_it(calendar: NoticeCalendar) -> None:
    # Accepted Wed 30 Sep: Thu 8 Oct, Fri 9, Sat 10 (make-up), Mon 12, Tue 13.
    assert calendar.add_working_days(date(2026, 9, 30), 5) == date(2026, 10, 13)


def test_a_notice_accepted_on_a_holiday_starts_on_the_next_working_day(
    calendar: NoticeCalendar,
) -> None:
    assert calendar.next_working_day(date(2026, 10, 3)) == date(2026, 10, 8)
    assert calendar.add_working_days(date(2026, 10, 3), 1) == date(2026, 10, 8)


def test_the_notice_length_is_the_callers_choice(calendar: NoticeCalendar) -> None:
    assert calendar.add_working_days(date(2026, 9, 30), 7) == date(2026, 10, 15)
    with pytest.raises(ValueError, match="公示期至少为1个工作日"):
        calendar.add_working_days(date(2026, 9, 30), 0)


def test_the_notice_window_spans_next_working_day_to_last(calendar: NoticeCalendar) -> None:
    window = calendar.notice_window(date(2026, 9, 30))

    assert (window.starts_on, window.ends_on) == (date(2026, 10, 8), date(2026, 10, 13))
    assert window.working_days == 5
    assert window.closes_on == date(2026, 10, 14)
    assert not window.has_ended_by(date(2026, 10, 13))
    assert window.has_ended_by(date(2026, 10, 14))
    assert window.accepts_objection_on(date(2026, 9, 30))
    assert window.accepts_objection_on(date(2026, 10, 13))
    assert not window.accepts_objection_on(date(2026, 10, 14))


def test_the_notice_window_is_at_most_sixty_working_days(calendar: NoticeCalendar) -> None:
    with pytest.raises(ValueError, match="公示期应为1至60个工作日"):
        calendar.notice_window(date(2026, 9, 30), 61)


def test_parsing_reads_both_kinds_and_ignores_comments(calendar: NoticeCalendar) -> None:
    assert date(2026, 1, 1) in calendar.holidays
    assert calendar.extra_workdays == {date(2026, 1, 4), date(2026, 9, 27), date(2026, 10, 10)}
    assert len(calendar.holidays) == 7


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-10-01", "第1行格式应为"),
        ("\n2026-10-01 vacation", "第2行格式应为"),
        ("2026-02-30 holiday", "第1行日期“2026-02-30”无效"),
        ("2026-10-01 holiday\n2026-10-01 workday", "既是节假日又是调休工作日：2026-10-01"),
    ],
)
def test_parsing_errors_say_which_line(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_calendar(text)


def test_a_calendar_accepts_plain_sets() -> None:
    holiday = date(2026, 5, 1)
    calendar = NoticeCalendar(holidays={holiday}, extra_workdays=set())

    assert not calendar.is_working_day(holiday)
    assert calendar.next_working_day(holiday - timedelta(days=1)) == date(2026, 5, 4)
