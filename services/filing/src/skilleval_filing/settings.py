from __future__ import annotations

from skilleval_shared.settings import Settings


class FilingSettings(Settings):
    service_name: str = "filing"
    http_port: int = 8001
