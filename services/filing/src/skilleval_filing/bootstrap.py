from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from fastapi import FastAPI

from skilleval_filing.accounts import routes as accounts
from skilleval_filing.catalog import routes as catalog
from skilleval_filing.clock import today
from skilleval_filing.complaints import routes as complaints
from skilleval_filing.components import FilingContainer
from skilleval_filing.credit import routes as credit
from skilleval_filing.entrustments import routes as entrustments
from skilleval_filing.filings import notice_end
from skilleval_filing.filings import notice_routes as notices
from skilleval_filing.filings import routes as filings
from skilleval_filing.inspections import routes as inspections
from skilleval_filing.settings import FilingSettings
from skilleval_shared import topics
from skilleval_shared.web.app import create_app

logger = logging.getLogger(__name__)


def build_app(settings: FilingSettings | None = None) -> FastAPI:
    parts = FilingContainer.build(settings or FilingSettings())
    parts.runtime.declare_publications(topics.FILING_EVENTS)
    parts.runtime.every(parts.settings.notice_check_seconds, _notice_end(parts), "notice-end")
    app = create_app(
        parts.runtime,
        title="备案服务 (filing)",
        description=(
            "企业与工作人员账号、备案申请与材料、公示与异议、备案回执、目录变更、委托评价、监管。"
        ),
        routers=[
            accounts.router,
            filings.router,
            notices.router,
            catalog.router,
            entrustments.router,
            inspections.router,
            credit.router,
            complaints.router,
        ],
    )
    app.state.filing = parts
    return app


def _notice_end(parts: FilingContainer) -> Callable[[], Awaitable[None]]:
    """One round of the notice-end scheduler; the runtime repeats it."""

    async def run_round() -> None:
        filed = await notice_end.end_due_notices(
            filings=parts.filings, receipts=parts.receipts, on=today(parts.settings)
        )
        if filed:
            logger.info("notice ended, filed: %s", ", ".join(filed))

    return run_round
