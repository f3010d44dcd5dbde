"""The public notice (公示), without login: the filings now on notice, and objections to them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field, model_validator

from skilleval_filing.clock import today
from skilleval_filing.filings import objections, views
from skilleval_filing.web import Container, PublicWrite
from skilleval_shared.fields import LongText, Name
from skilleval_shared.validation import Email, Phone
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(
    prefix="/api/v1/public/notices", tags=["public notices"], route_class=DomainErrorRoute
)


class ObjectionSubmission(BaseModel):
    """A name is optional; a way to reach the objector is not, so the centre can verify."""

    model_config = ConfigDict(extra="forbid")

    text: LongText = Field(title="异议内容")
    name: Name | None = Field(default=None, title="姓名")
    contact_email: Email | None = Field(default=None, title="电子邮箱")
    contact_phone: Phone | None = Field(default=None, title="联系电话")

    @model_validator(mode="after")
    def _reachable(self) -> ObjectionSubmission:
        if self.contact_email is None and self.contact_phone is None:
            raise ValueError("请至少留下联系电话或电子邮箱中的一项")
        return self


@router.get("", summary="当前公示的企业技能人才自主评价备案")
async def current_notices(parts: Container) -> dict[str, Any]:
    on = today(parts.settings)
    found = sorted(
        await parts.filings.on_notice.get(),
        key=lambda stored: stored.filing.notice.starts_on if stored.filing.notice else on,
    )
    return {"as_of": on.isoformat(), "items": [views.notice_view(stored, on) for stored in found]}


@router.post(
    "/{filing_id}/objections",
    status_code=status.HTTP_201_CREATED,
    summary="对公示中的备案提出异议",
    dependencies=[PublicWrite],
)
async def raise_objection(
    filing_id: str, submission: ObjectionSubmission, parts: Container
) -> dict[str, Any]:
    form = objections.ObjectionForm(
        text=submission.text,
        objector_name=submission.name,
        contact_email=submission.contact_email,
        contact_phone=submission.contact_phone,
    )
    objection_id = await objections.raise_objection(
        parts.filings, filing_id, form, today(parts.settings)
    )
    return {"objection_id": objection_id, "filing_id": filing_id}
