"""Dependencies the routers share: the container, the role requirements, the public quota.

Every endpoint names who may call it through one of these aliases (or none, when public).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from skilleval_filing.catalog.book import KIND as CATALOG_KIND
from skilleval_filing.catalog.book import CatalogBooks
from skilleval_filing.components import FilingContainer, container
from skilleval_shared.auth import (
    STAFF_ROLES,
    EnterprisePrincipal,
    Principal,
    Role,
    StaffPrincipal,
    require_roles,
)

Container = Annotated[FilingContainer, Depends(container)]
# City-centre staff decide (the domain's STAFF); the province centre only reads.
Reviewer = Annotated[Principal, Depends(require_roles(Role.CITY_CENTER, Role.ADMIN))]
# An enterprise (for its own data, checked by the handler) or any staff member.
EnterpriseOrStaff = Annotated[Principal, Depends(require_roles(Role.ENTERPRISE, *STAFF_ROLES))]


def catalog_books(parts: Container) -> CatalogBooks:
    return CatalogBooks(parts.runtime.store(CATALOG_KIND), parts.filings)


Books = Annotated[CatalogBooks, Depends(catalog_books)]


async def public_write_quota(request: Request) -> None:
    """The per-client rate limit of the public write endpoints (429 when exceeded)."""
    await container(request).public_writes(request)


PublicWrite = Depends(public_write_quota)

__all__ = [
    "Books",
    "Container",
    "EnterpriseOrStaff",
    "EnterprisePrincipal",
    "PublicWrite",
    "Reviewer",
    "StaffPrincipal",
]
