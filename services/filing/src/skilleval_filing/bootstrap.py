"""The filing service's composition root: every store, repository and adapter is built here,
once per process, and wired to the routers and the notice-end scheduler."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from fastapi import FastAPI

from skilleval_filing.accounts import routes as account_routes
from skilleval_filing.accounts import service as accounts
from skilleval_filing.accounts.throttle import LoginThrottle
from skilleval_filing.catalog import routes as catalog_routes
from skilleval_filing.catalog import service as catalog
from skilleval_filing.catalog.access import DEFAULT as DEFAULT_ACCESS
from skilleval_filing.catalog.access import AccessOccupations
from skilleval_filing.clock import today
from skilleval_filing.complaints import routes as complaint_routes
from skilleval_filing.complaints import service as complaints
from skilleval_filing.container import FilingContainer
from skilleval_filing.credit import routes as credit_routes
from skilleval_filing.credit import service as credit
from skilleval_filing.entrustments import consumers as entrustment_consumers
from skilleval_filing.entrustments import routes as entrustment_routes
from skilleval_filing.entrustments import service as entrustments
from skilleval_filing.exits import routes as exit_routes
from skilleval_filing.exits import service as exits
from skilleval_filing.filings import notice_end, notice_routes
from skilleval_filing.filings import routes as filing_routes
from skilleval_filing.filings.notice_calendar import NoticeCalendar, parse_calendar
from skilleval_filing.filings.receipts import ReceiptAllocator
from skilleval_filing.filings.repository import KIND as FILING_KIND
from skilleval_filing.filings.repository import FilingRepository
from skilleval_filing.inspections import routes as inspection_routes
from skilleval_filing.inspections import service as inspections
from skilleval_filing.inspections.pools import COLLECTION as INSPECTION_POOLS
from skilleval_filing.inspections.pools import STANDING as STANDING_POOLS
from skilleval_filing.inspections.pools import InspectionPools, StandingPools
from skilleval_filing.settings import FilingSettings
from skilleval_shared import topics
from skilleval_shared.auth import issuer_from_settings, load_public_key
from skilleval_shared.runtime import Runtime
from skilleval_shared.storage.files import FileStore
from skilleval_shared.web.app import create_app
from skilleval_shared.web.ratelimit import RateLimit

logger = logging.getLogger(__name__)


def build_container(settings: FilingSettings) -> FilingContainer:
    runtime = Runtime(settings)
    calendar = (
        parse_calendar(settings.holiday_calendar_file.read_text(encoding="utf-8"))
        if settings.holiday_calendar_file
        else NoticeCalendar()
    )
    access_occupations = (
        AccessOccupations.parse(settings.access_occupations_file.read_text(encoding="utf-8"))
        if settings.access_occupations_file
        else DEFAULT_ACCESS
    )
    return FilingContainer(
        settings=settings,
        runtime=runtime,
        accounts=accounts.repository(runtime.store(accounts.KIND)),
        catalogs=catalog.repository(runtime.store(catalog.KIND)),
        complaints=complaints.repository(runtime.store(complaints.KIND)),
        credit=credit.repository(runtime.store(credit.KIND)),
        entrustments=entrustments.repository(runtime.store(entrustments.KIND)),
        filings=FilingRepository(
            runtime.store(FILING_KIND), public_cache_seconds=settings.public_cache_seconds
        ),
        inspections=inspections.repository(runtime.store(inspections.KIND)),
        inspection_pools=InspectionPools(runtime.db[INSPECTION_POOLS]),
        standing_pools=StandingPools(runtime.db[STANDING_POOLS]),
        announcements=inspections.announcement_repository(
            store=runtime.store(inspections.ANNOUNCEMENT_KIND)
        ),
        files=FileStore(runtime.db),
        receipts=ReceiptAllocator(runtime.db, settings.receipt_prefix),
        calendar=calendar,
        access_occupations=access_occupations,
        issuer=issuer_from_settings(settings) if settings.jwt_private_key_file else None,
        public_key_pem=load_public_key(settings) if settings.jwt_public_key_file else None,
        public_writes=RateLimit(settings.public_writes_per_minute),
        auth_attempts=RateLimit(settings.auth_attempts_per_minute),
        login_throttle=LoginThrottle(
            settings.max_failed_logins, settings.failed_login_window_seconds
        ),
    )


def build_app(settings: FilingSettings | None = None) -> FastAPI:
    container = build_container(settings or FilingSettings())
    container.runtime.declare_publications(topics.FILING_EVENTS)
    # Filing follows its own status events: a party's suspension suspends its entrustments.
    entrustment_consumers.register(container.runtime.consumer, container.entrustments)
    container.runtime.consumer.subscribe(topics.FILING_EVENTS)
    container.runtime.every(
        container.settings.notice_check_seconds, _notice_end(container), "notice-end"
    )
    container.runtime.every(
        container.settings.terms_check_seconds, _filing_terms(container), "filing-terms"
    )
    app = create_app(
        container.runtime,
        title="备案服务 (filing)",
        description=(
            "企业与工作人员账号、备案申请与材料、公示与异议、备案回执、目录变更、委托评价、监管。"
        ),
        routers=[
            account_routes.router,
            filing_routes.router,
            notice_routes.router,
            catalog_routes.router,
            entrustment_routes.router,
            inspection_routes.router,
            credit_routes.router,
            complaint_routes.router,
            exit_routes.router,
        ],
    )
    app.state.filing = container
    return app


def _notice_end(container: FilingContainer) -> Callable[[], Awaitable[None]]:
    """One round of the notice-end scheduler; the runtime repeats it."""

    async def run_round() -> None:
        filed = await notice_end.end_due_notices(
            filings=container.filings, receipts=container.receipts, on=today(container.settings)
        )
        if filed:
            logger.info("notice ended, filed: %s", ", ".join(filed))

    return run_round


def _filing_terms(container: FilingContainer) -> Callable[[], Awaitable[None]]:
    """One round of the exit scheduler: suspensions that ended, filings that lapsed or whose
    继续备案 window opened."""

    async def run_round() -> None:
        changed = await exits.settle_terms(
            filings=container.filings,
            today=today(container.settings),
            validity_years=container.settings.filing_validity_years,
            window_days=container.settings.renewal_window_days,
        )
        if changed:
            logger.info("filing terms settled: %s", ", ".join(changed))

    return run_round
