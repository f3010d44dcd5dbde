"""Notification's composition root: templates, contacts, SMTP, the postman, routes, consumers."""

from __future__ import annotations

from fastapi import FastAPI

from skilleval_notification.contacts.service import ContactBook
from skilleval_notification.deliveries import consumers as delivery_consumers
from skilleval_notification.deliveries.routes import router as deliveries_router
from skilleval_notification.deliveries.service import Postman
from skilleval_notification.deliveries.smtp import SmtpPool
from skilleval_notification.messages.model import TemplateBook
from skilleval_notification.settings import NotificationSettings
from skilleval_shared import topics
from skilleval_shared.envelope import EventData, wrap
from skilleval_shared.messaging import publish_event
from skilleval_shared.runtime import Runtime
from skilleval_shared.web.app import create_app


def smtp_pool(settings: NotificationSettings) -> SmtpPool:
    return SmtpPool(
        host=settings.smtp_host,
        port=settings.smtp_port,
        connections=settings.smtp_connections,
        per_second=settings.smtp_max_per_second,
        use_tls=settings.smtp_use_tls,
        start_tls=settings.smtp_start_tls,
        username=settings.smtp_username,
        password=settings.smtp_password,
        timeout=settings.smtp_timeout_seconds,
    )


def build_app(settings: NotificationSettings | None = None) -> FastAPI:
    settings = settings or NotificationSettings()
    runtime = Runtime(settings)

    async def publish(data: EventData) -> None:
        # The delivery's attempt number is its version: the event's sequence.
        attempt = getattr(data, "attempt", None)
        await publish_event(runtime.broker, settings, wrap(data, version=attempt))

    postman = Postman(
        db=runtime.db,
        settings=settings,
        pool=smtp_pool(settings),
        templates=TemplateBook(certificate_lookup_url=settings.certificate_lookup_url),
        contacts=ContactBook(runtime.db),
        publish=publish,
    )
    delivery_consumers.register(runtime.consumer, postman)
    runtime.consumer.subscribe(
        topics.FILING_EVENTS,
        topics.ASSESSMENT_EVENTS,
        topics.CERTIFICATION_EVENTS,
        topics.PROVINCE_ACKS,
    )
    runtime.declare_publications(topics.NOTIFICATION_EVENTS)
    runtime.every(settings.delivery_retry_poll_seconds, postman.run_round, "delivery-round")
    app = create_app(
        runtime,
        title="通知服务 (notification)",
        description="各环节邮件通知、投递记录与重发。",
        routers=[deliveries_router],
    )
    app.state.postman = postman
    return app
