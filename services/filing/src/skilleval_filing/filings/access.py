"""Which filing a caller may name: the ownership check made before anything is loaded."""

from __future__ import annotations

from skilleval_filing.filings.repository import NO_SUCH_FILING, parse_filing_id
from skilleval_shared.auth import Principal, ensure_owner
from skilleval_shared.domain_errors import NotFound


def accessible_filing_id(principal: Principal, filing_id: str) -> str:
    """404 for an id that cannot exist; 403 when an enterprise names another's filing, before
    anything is loaded, so the answer says nothing about the other enterprise."""
    parsed = parse_filing_id(filing_id)
    if parsed is None:
        raise NotFound(NO_SUCH_FILING)
    ensure_owner(principal, parsed[0])
    return filing_id
