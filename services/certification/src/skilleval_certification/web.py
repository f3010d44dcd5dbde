"""What the routers share: the container of parts, and the caller in domain terms."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Request

from skilleval_certification.certificates.service import CertificateParts
from skilleval_certification.numbering.service import NumberingParts
from skilleval_certification.rosters.service import RosterParts
from skilleval_certification.signing.service import SigningKeys
from skilleval_shared.auth import STAFF_ROLES, Principal, Role, require_roles

_IDENTIFIER = re.compile(r"[0-9A-Za-z][0-9A-Za-z:._/-]{0,63}")
LOCAL = ZoneInfo("Asia/Shanghai")


@dataclass
class Certification:
    rosters: RosterParts
    numbering: NumberingParts
    certificates: CertificateParts
    signing: SigningKeys


def parts(request: Request) -> Certification:
    found: Certification = request.app.state.certification
    return found


Parts = Annotated[Certification, Depends(parts)]
EnterpriseOrStaff = Annotated[Principal, Depends(require_roles(Role.ENTERPRISE, *STAFF_ROLES))]
CityReviewer = Annotated[Principal, Depends(require_roles(Role.CITY_CENTER, Role.ADMIN))]
ProvinceReviewer = Annotated[Principal, Depends(require_roles(Role.PROVINCE_CENTER, Role.ADMIN))]


def own_uscc(principal: Principal) -> str | None:
    """The institution an enterprise acts for; None for staff, who see every institution."""
    return None if principal.is_staff else principal.uscc


def account_id(principal: Principal) -> str:
    if _IDENTIFIER.fullmatch(principal.subject):
        return principal.subject
    return "account:" + hashlib.sha256(principal.subject.encode()).hexdigest()[:32]


def today() -> date:
    return datetime.now(LOCAL).date()
