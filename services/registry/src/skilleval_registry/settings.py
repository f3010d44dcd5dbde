from __future__ import annotations

from skilleval_shared.settings import Settings


class RegistrySettings(Settings):
    service_name: str = "registry"
    http_port: int = 8004
