from __future__ import annotations

from fastapi import FastAPI

from skilleval_notification.settings import NotificationSettings
from skilleval_shared import topics
from skilleval_shared.runtime import Runtime
from skilleval_shared.web.app import create_app


def build_app(settings: NotificationSettings | None = None) -> FastAPI:
    runtime = Runtime(settings or NotificationSettings())
    runtime.consumer.subscribe(
        topics.FILING_EVENTS,
        topics.ASSESSMENT_EVENTS,
        topics.CERTIFICATION_EVENTS,
        topics.NOTIFICATION_EVENTS,
    )
    runtime.declare_publications(topics.NOTIFICATION_EVENTS)
    return create_app(
        runtime,
        title="通知服务 (notification)",
        description="各环节邮件通知、投递记录与重发。",
        routers=[],
    )
