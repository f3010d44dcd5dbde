from __future__ import annotations

from skilleval_shared.settings import Settings


class AssessmentSettings(Settings):
    service_name: str = "assessment"
    http_port: int = 8002
