"""服务与监管: random inspections, credit records and complaints, as one router."""

from __future__ import annotations

from fastapi import APIRouter

from skilleval_filing.entrypoints import complaints, credit, inspections

router = APIRouter()
for part in (inspections.router, credit.router, complaints.router):
    router.include_router(part)
