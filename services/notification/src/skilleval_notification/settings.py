from __future__ import annotations

from skilleval_shared.settings import Settings


class NotificationSettings(Settings):
    service_name: str = "notification"
    http_port: int = 8005
