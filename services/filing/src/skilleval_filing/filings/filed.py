"""What other parts need to know about an enterprise's filing: is it on file, under what name,
with which filed catalog. Read from the latest filing through the ``FilingRepository``."""

from __future__ import annotations

from datetime import date

from skilleval_filing.catalog.table import Catalog
from skilleval_filing.filings.repository import FilingRepository, StoredFiling
from skilleval_shared.domain_errors import NotFound


def has_been_filed(stored: StoredFiling | None) -> bool:
    """Received a receipt at some point (it may be suspended or revoked since)."""
    return stored is not None and stored.filing.receipt is not None and stored.catalog is not None


def filed_on(stored: StoredFiling) -> date:
    assert stored.filing.receipt is not None
    return stored.filing.receipt.issued_on


def filed_catalog(stored: StoredFiling) -> Catalog:
    """The 附表 catalog accepted with the filing: version 1."""
    return Catalog.model_validate(stored.catalog)


def enterprise_name(stored: StoredFiling) -> str:
    name = stored.application.get("enterprise_name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    if stored.catalog is not None:
        return filed_catalog(stored).header.institution_name
    return stored.filing.uscc


async def latest_filed(filings: FilingRepository, uscc: str) -> StoredFiling | None:
    stored = await filings.latest_for(uscc)
    return stored if has_been_filed(stored) else None


async def known_enterprise(filings: FilingRepository, uscc: str) -> StoredFiling:
    """The enterprise's latest filing of any state, or 404."""
    stored = await filings.latest_for(uscc)
    if stored is None:
        raise NotFound("该企业没有备案记录")
    return stored
