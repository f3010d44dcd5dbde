"""Dependencies the routers share: the container, the role requirements, the public quota.

Every endpoint names who may call it through one of these aliases (or none, when public).
"""

from __future__ import annotations

import hashlib
import re
from typing import Annotated

from fastapi import Depends, Request

from skilleval_filing.actors import Caller
from skilleval_filing.container import FilingContainer, container_of
from skilleval_filing.filings.lifecycle import Actor
from skilleval_shared.auth import (
    STAFF_ROLES,
    EnterprisePrincipal,
    Principal,
    Role,
    StaffPrincipal,
    require_roles,
)

# The shared events' Identifier pattern.
_IDENTIFIER = re.compile(r"[0-9A-Za-z][0-9A-Za-z:._/-]{0,63}")


def caller_of(principal: Principal) -> Caller:
    """The caller in domain terms; the account id as recorded in events."""
    return Caller(Actor(principal.role.value), _account_id(principal), principal.uscc)


def _account_id(principal: Principal) -> str:
    """The account id, or a stable digest of it when it does not fit an event identifier."""
    if _IDENTIFIER.fullmatch(principal.subject):
        return principal.subject
    return "account:" + hashlib.sha256(principal.subject.encode()).hexdigest()[:32]


Container = Annotated[FilingContainer, Depends(container_of)]
# City-centre staff decide (the domain's STAFF); the province centre only reads.
Reviewer = Annotated[Principal, Depends(require_roles(Role.CITY_CENTER, Role.ADMIN))]
# The institution serial comes from the provincial centre: its staff or the city centre's record it.
SerialRecorder = Annotated[
    Principal, Depends(require_roles(Role.CITY_CENTER, Role.PROVINCE_CENTER, Role.ADMIN))
]
# An enterprise (for its own data, checked by the handler) or any staff member.
EnterpriseOrStaff = Annotated[Principal, Depends(require_roles(Role.ENTERPRISE, *STAFF_ROLES))]


async def public_write_quota(request: Request) -> None:
    """The per-client rate limit of the public write endpoints (429 when exceeded)."""
    await container_of(request).public_writes(request)


PublicWrite = Depends(public_write_quota)

__all__ = [
    "Container",
    "EnterpriseOrStaff",
    "EnterprisePrincipal",
    "PublicWrite",
    "Reviewer",
    "SerialRecorder",
    "StaffPrincipal",
    "caller_of",
]
