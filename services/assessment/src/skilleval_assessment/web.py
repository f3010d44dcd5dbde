"""What the routers share: the container of parts, who may call, and the caller's identity."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from pymongo.asynchronous.collection import AsyncCollection

from skilleval_assessment.candidates.service import BatchStore, EnrolmentRepository
from skilleval_assessment.enterprises.service import EnterpriseProjection
from skilleval_assessment.plans.service import PlanRepository
from skilleval_assessment.results.service import ResultRepository
from skilleval_assessment.rosters.service import RosterProgress, RosterRepository
from skilleval_assessment.settings import AssessmentSettings
from skilleval_shared.auth import STAFF_ROLES, Principal, Role, require_roles
from skilleval_shared.problems import payload_too_large
from skilleval_shared.storage.files import FileStore
from skilleval_shared.storage.mongo import Document


@dataclass
class AssessmentParts:
    settings: AssessmentSettings
    enterprises: EnterpriseProjection
    plans: PlanRepository
    enrolments: EnrolmentRepository
    batches: BatchStore
    results: ResultRepository
    result_batches: BatchStore
    rosters: RosterRepository
    roster_rows: BatchStore
    progress: RosterProgress
    imports: AsyncCollection[Document]
    files: FileStore


def container(request: Request) -> AssessmentParts:
    found: AssessmentParts = request.app.state.assessment
    return found


Container = Annotated[AssessmentParts, Depends(container)]
Enterprise = Annotated[Principal, Depends(require_roles(Role.ENTERPRISE))]
Reviewer = Annotated[Principal, Depends(require_roles(Role.CITY_CENTER, Role.ADMIN))]
EnterpriseOrStaff = Annotated[Principal, Depends(require_roles(Role.ENTERPRISE, *STAFF_ROLES))]

_IDENTIFIER = re.compile(r"[0-9A-Za-z][0-9A-Za-z:._/-]{0,63}")


def actor_id(principal: Principal) -> str:
    """The account id as recorded in events (a digest when it does not fit an identifier)."""
    if _IDENTIFIER.fullmatch(principal.subject):
        return principal.subject
    return "account:" + hashlib.sha256(principal.subject.encode()).hexdigest()[:32]


def owner_of(principal: Principal) -> str | None:
    """Whose plans the caller may see: an enterprise its own, staff every one (None)."""
    return None if principal.is_staff else principal.uscc


def enterprise_uscc(principal: Principal) -> str:
    assert principal.uscc is not None
    return principal.uscc


def today() -> date:
    """The date in Qingdao."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


async def read_body(request: Request, limit: int) -> bytes:
    """The raw request body, refused (413) as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise payload_too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise payload_too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)
