from __future__ import annotations

from skilleval_shared.settings import Settings


class CertificationSettings(Settings):
    service_name: str = "certification"
    http_port: int = 8003
