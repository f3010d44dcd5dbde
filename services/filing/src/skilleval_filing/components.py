"""The filing service's parts, built once per process and reached from handlers via app.state."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request

from skilleval_filing.accounts import service as accounts
from skilleval_filing.accounts.service import AccountRepository
from skilleval_filing.accounts.throttle import LoginThrottle
from skilleval_filing.complaints import service as complaints
from skilleval_filing.complaints.service import ComplaintRepository
from skilleval_filing.filings.notice_calendar import NoticeCalendar, parse_calendar
from skilleval_filing.filings.receipts import ReceiptAllocator
from skilleval_filing.filings.repository import KIND as FILING_KIND
from skilleval_filing.filings.repository import FilingRepository
from skilleval_filing.settings import FilingSettings
from skilleval_shared.auth import TokenIssuer, issuer_from_settings, load_public_key
from skilleval_shared.runtime import Runtime
from skilleval_shared.storage.files import FileStore
from skilleval_shared.web.ratelimit import RateLimit


@dataclass
class FilingContainer:
    settings: FilingSettings
    runtime: Runtime
    accounts: AccountRepository
    complaints: ComplaintRepository
    filings: FilingRepository
    files: FileStore
    issuer: TokenIssuer | None
    public_key_pem: str | None
    calendar: NoticeCalendar
    receipts: ReceiptAllocator
    public_writes: RateLimit = field(init=False)
    auth_attempts: RateLimit = field(init=False)
    login_throttle: LoginThrottle = field(init=False)

    def __post_init__(self) -> None:
        self.public_writes = RateLimit(self.settings.public_writes_per_minute)
        self.auth_attempts = RateLimit(self.settings.auth_attempts_per_minute)
        self.login_throttle = LoginThrottle(
            self.settings.max_failed_logins, self.settings.failed_login_window_seconds
        )

    @classmethod
    def build(cls, settings: FilingSettings) -> FilingContainer:
        runtime = Runtime(settings)
        calendar = (
            parse_calendar(settings.holiday_calendar_file.read_text(encoding="utf-8"))
            if settings.holiday_calendar_file
            else NoticeCalendar()
        )
        return cls(
            settings=settings,
            runtime=runtime,
            accounts=accounts.repository(runtime.store(accounts.KIND)),
            complaints=complaints.repository(runtime.store(complaints.KIND)),
            filings=FilingRepository(
                runtime.store(FILING_KIND), public_cache_seconds=settings.public_cache_seconds
            ),
            files=FileStore(runtime.db),
            issuer=issuer_from_settings(settings) if settings.jwt_private_key_file else None,
            public_key_pem=load_public_key(settings) if settings.jwt_public_key_file else None,
            calendar=calendar,
            receipts=ReceiptAllocator(runtime.db, settings.receipt_prefix),
        )


def container(request: Request) -> FilingContainer:
    found: FilingContainer = request.app.state.filing
    return found
