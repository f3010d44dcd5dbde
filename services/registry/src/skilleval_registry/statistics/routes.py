"""Certificate statistics as JSON and as a page of SVG bar charts drawn on the server."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from skilleval_registry.statistics.model import Dimension, chart
from skilleval_registry.statistics.schemas import StatisticsView
from skilleval_registry.statistics.service import Statistics
from skilleval_registry.talent.model import Status
from skilleval_registry.web import LIMITED_PAGE, page, page_limited
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(route_class=DomainErrorRoute)


def _statistics(request: Request) -> Statistics:
    statistics: Statistics = request.app.state.statistics
    return statistics


@router.get(
    "/api/v1/public/statistics",
    tags=["public"],
    summary="证书统计（职业、等级、机构、年度、区市）",
    response_model=StatisticsView,
)
async def statistics_api(request: Request) -> StatisticsView:
    return StatisticsView.model_validate(await _statistics(request).current.get())


@router.get(
    "/statistics", response_class=HTMLResponse, summary="证书统计页面", responses=LIMITED_PAGE
)
async def statistics_page(request: Request) -> HTMLResponse:
    if (refused := page_limited(request)) is not None:
        return refused
    counted = await _statistics(request).current.get()
    charts = [
        chart(
            dimension.label,
            [(item["name"], item["count"]) for item in counted["dimensions"][dimension.value]],
        )
        for dimension in Dimension
    ]
    statuses = [(status.label, counted["by_status"][status.value]) for status in Status]
    return page(
        request, "statistics.html", total=counted["total"], statuses=statuses, charts=charts
    )
