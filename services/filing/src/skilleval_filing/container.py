"""What the routes reach through ``app.state``: the container ``bootstrap`` builds once per process.

Only the shape lives here (so routes can name it without importing the composition root);
everything is built and wired in ``bootstrap.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from skilleval_filing.accounts.service import AccountRepository
from skilleval_filing.accounts.throttle import LoginThrottle
from skilleval_filing.catalog.access import AccessOccupations
from skilleval_filing.catalog.service import CatalogRepository
from skilleval_filing.complaints.service import ComplaintRepository
from skilleval_filing.credit.service import CreditRepository
from skilleval_filing.entrustments.service import EntrustmentRepository
from skilleval_filing.filings.notice_calendar import NoticeCalendar
from skilleval_filing.filings.receipts import ReceiptAllocator
from skilleval_filing.filings.repository import FilingRepository
from skilleval_filing.inspections.pools import InspectionPools, StandingPools
from skilleval_filing.inspections.service import AnnouncementRepository, InspectionRepository
from skilleval_filing.settings import FilingSettings
from skilleval_shared.auth import TokenIssuer
from skilleval_shared.runtime import Runtime
from skilleval_shared.storage.files import FileStore
from skilleval_shared.web.ratelimit import RateLimit


@dataclass(frozen=True)
class FilingContainer:
    settings: FilingSettings
    runtime: Runtime
    accounts: AccountRepository
    catalogs: CatalogRepository
    complaints: ComplaintRepository
    credit: CreditRepository
    entrustments: EntrustmentRepository
    filings: FilingRepository
    inspections: InspectionRepository
    inspection_pools: InspectionPools
    standing_pools: StandingPools
    announcements: AnnouncementRepository
    files: FileStore
    receipts: ReceiptAllocator
    calendar: NoticeCalendar
    access_occupations: AccessOccupations
    issuer: TokenIssuer | None
    public_key_pem: str | None
    public_writes: RateLimit
    auth_attempts: RateLimit
    login_throttle: LoginThrottle


def container_of(request: Request) -> FilingContainer:
    found: FilingContainer = request.app.state.filing
    return found
