"""What other container need to know about an enterprise's filing: is it on file, under what name,
with which filed catalog. Read from the latest filing through the ``FilingRepository``."""

from __future__ import annotations

from datetime import date

from skilleval_filing.catalog.table import CatalogTable
from skilleval_filing.filings.model import FilingRecord
from skilleval_filing.filings.repository import FilingRepository
from skilleval_shared.domain_errors import NotFound


def has_been_filed(record: FilingRecord | None) -> bool:
    """Received a receipt at some point (it may be suspended or revoked since)."""
    return record is not None and record.filing.receipt is not None and record.catalog is not None


def filed_on(record: FilingRecord) -> date:
    assert record.filing.receipt is not None
    return record.filing.receipt.issued_on


def filed_catalog(record: FilingRecord) -> CatalogTable:
    """The 附表 catalog accepted with the filing: version 1."""
    if record.catalog is None:
        raise ValueError(f"filing {record.filing_id} has no catalog")
    return record.catalog


def enterprise_name(record: FilingRecord) -> str:
    if record.application.enterprise_name:
        return record.application.enterprise_name
    if record.catalog is not None:
        return record.catalog.header.institution_name
    return record.uscc


async def latest_filed(filings: FilingRepository, uscc: str) -> FilingRecord | None:
    found = await filings.latest_for(uscc)
    return found.state if found and has_been_filed(found.state) else None


async def known_enterprise(filings: FilingRepository, uscc: str) -> FilingRecord:
    """The enterprise's latest filing of any state, or 404."""
    found = await filings.latest_for(uscc)
    if found is None:
        raise NotFound("该企业没有备案记录")
    return found.state
