"""The public notice (公示), without login: the filings now on notice, and objections to them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from skilleval_filing.clock import today
from skilleval_filing.filings import objections
from skilleval_filing.filings.schemas import (
    NoticeList,
    ObjectionReceived,
    ObjectionSubmission,
    notice_view,
)
from skilleval_filing.web import Container, PublicWrite
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(
    prefix="/api/v1/public/notices", tags=["public notices"], route_class=DomainErrorRoute
)


@router.get("", summary="当前公示的企业技能人才自主评价备案", response_model=NoticeList)
async def current_notices(container: Container) -> dict[str, Any]:
    on = today(container.settings)
    found = sorted(
        await container.filings.on_notice.get(),
        key=lambda item: item.state.filing.notice.starts_on if item.state.filing.notice else on,
    )
    return {"as_of": on.isoformat(), "items": [notice_view(item.state, on) for item in found]}


@router.post(
    "/{filing_id}/objections",
    status_code=status.HTTP_201_CREATED,
    summary="对公示中的备案提出异议",
    dependencies=[PublicWrite],
    response_model=ObjectionReceived,
)
async def raise_objection(
    filing_id: str, submission: ObjectionSubmission, container: Container
) -> dict[str, Any]:
    form = objections.ObjectionForm(
        text=submission.text,
        objector_name=submission.name,
        contact_email=submission.contact_email,
        contact_phone=submission.contact_phone,
    )
    objection_id = await objections.raise_objection(
        filings=container.filings, filing_id=filing_id, form=form, on=today(container.settings)
    )
    return {"objection_id": objection_id, "filing_id": filing_id}
