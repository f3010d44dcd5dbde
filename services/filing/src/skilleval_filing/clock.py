"""Today's date where the regulation applies (China Standard Time), overridable in tests."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from skilleval_filing.settings import FilingSettings

CHINA = ZoneInfo("Asia/Shanghai")


def today(settings: FilingSettings) -> date:
    if settings.today_override is not None:
        return settings.today_override
    return datetime.now(CHINA).date()
