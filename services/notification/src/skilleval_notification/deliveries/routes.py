"""The delivery log: staff see every email, an enterprise those about itself; resend a failure."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, status

from skilleval_notification.deliveries import service
from skilleval_notification.deliveries.model import Status
from skilleval_notification.deliveries.schemas import DeliveryPage, DeliveryView
from skilleval_notification.deliveries.service import Postman
from skilleval_shared.auth import CurrentPrincipal, Principal
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(prefix="/api/v1/deliveries", tags=["deliveries"], route_class=DomainErrorRoute)

DeliveryId = Annotated[str, Path(pattern=r"^[0-9a-f]{40}$", title="投递编号")]


def _postman(request: Request) -> Postman:
    postman: Postman = request.app.state.postman
    return postman


PostmanDep = Annotated[Postman, Depends(_postman)]


def _viewer(principal: Principal) -> str | None:
    return None if principal.is_staff else principal.uscc


@router.get("", summary="查询邮件投递记录", response_model=DeliveryPage)
async def list_deliveries(
    principal: CurrentPrincipal,
    postman: PostmanDep,
    status_: Annotated[Status | None, Query(alias="status", title="状态")] = None,
    recipient: Annotated[str | None, Query(max_length=254, title="收件人")] = None,
    event_type: Annotated[str | None, Query(max_length=100, title="事件类型")] = None,
    event_id: Annotated[str | None, Query(max_length=100, title="事件编号")] = None,
    limit: Annotated[int, Query(ge=1, le=200, title="每页条数")] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000, title="起始位置")] = 0,
) -> DeliveryPage:
    found, total = await service.find_deliveries(
        postman=postman,
        viewer_uscc=_viewer(principal),
        status=status_,
        recipient=recipient,
        event_type=event_type,
        event_id=event_id,
        limit=limit,
        offset=offset,
    )
    items = [DeliveryView.of(delivery) for delivery in found]
    return DeliveryPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/{delivery_id}", summary="查看一条投递记录", response_model=DeliveryView)
async def get_delivery(
    delivery_id: DeliveryId, principal: CurrentPrincipal, postman: PostmanDep
) -> DeliveryView:
    delivery = await service.get_delivery(
        postman=postman, viewer_uscc=_viewer(principal), delivery_id=delivery_id
    )
    return DeliveryView.of(delivery)


@router.post(
    "/{delivery_id}/resend",
    summary="重发投递失败的邮件",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=DeliveryView,
)
async def resend_delivery(
    delivery_id: DeliveryId, principal: CurrentPrincipal, postman: PostmanDep
) -> DeliveryView:
    delivery = await service.resend(
        postman=postman, viewer_uscc=_viewer(principal), delivery_id=delivery_id
    )
    return DeliveryView.of(delivery)
