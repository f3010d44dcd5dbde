"""The composition root: every event type with a template is consumed, the log API is served."""

from __future__ import annotations

from skilleval_notification.bootstrap import build_app
from skilleval_notification.settings import NotificationSettings


def test_every_templated_event_type_is_consumed_and_the_log_is_routed() -> None:
    app = build_app(NotificationSettings(namespace="wiring"))
    postman = app.state.postman
    handled = set(app.state.runtime.consumer.routes)
    assert handled == set(postman.templates.event_types)
    paths = set(app.openapi()["paths"])
    assert {"/api/v1/deliveries", "/api/v1/deliveries/{delivery_id}/resend"} <= paths
