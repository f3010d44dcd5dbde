from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import Field, model_validator

from skilleval_shared.settings import Settings


class FilingSettings(Settings):
    service_name: str = "filing"
    http_port: int = 8001

    # Public notice (公示) length in working days, and the holiday calendar that defines them:
    # a text file of `YYYY-MM-DD holiday|workday` lines (China moves working days around holidays).
    notice_working_days: int = Field(default=5, ge=1, le=30)
    # Receipt numbers read `<prefix>-<year>-<sequence>`; QDZP: 青岛 自主评价.
    receipt_prefix: str = Field(default="QDZP", pattern=r"^[A-Z]{2,8}$")
    holiday_calendar_file: Path | None = None
    # 准入类职业资格 no catalog may hold: one occupation name or 大典 code per line; unset, the
    # default list in catalog/access.py.
    access_occupations_file: Path | None = None

    max_upload_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    # How often the scheduler looks for notices whose period has ended.
    notice_check_seconds: float = Field(default=60.0, gt=0)
    # Requests per minute one client address may make to the public write endpoints.
    public_writes_per_minute: int = Field(default=20, ge=1)
    # Logins and registrations per minute from one client address.
    auth_attempts_per_minute: int = Field(default=20, ge=1)
    # Login attempts without a success for one account name from one client address, before
    # that name is refused from that address for the window.
    max_failed_logins: int = Field(default=10, ge=1)
    failed_login_window_seconds: float = Field(default=900, gt=0)

    # The exit mechanism: a filing is valid this many years from its receipt, then lapses
    # unless the centre accepts 继续备案, which the enterprise may ask for in the last
    # ``renewal_window_days`` of its validity. The scheduler checks every ``terms_check_seconds``.
    filing_validity_years: int = Field(default=3, ge=1, le=10)
    renewal_window_days: int = Field(default=90, ge=1, le=365)
    terms_check_seconds: float = Field(default=60.0, gt=0)

    # Tests move the calendar forward to reach the end of a notice; refused in production.
    today_override: date | None = None

    @model_validator(mode="after")
    def _no_time_travel_in_production(self) -> FilingSettings:
        if self.environment == "production" and self.today_override is not None:
            raise ValueError("TODAY_OVERRIDE is for tests only")
        return self
