from __future__ import annotations

from pydantic import Field

from skilleval_assessment.plans.staffing import StaffingRules
from skilleval_shared.settings import Settings


class AssessmentSettings(Settings):
    service_name: str = "assessment"
    http_port: int = 8002
    # Staffing ratios checked on submission (DOMAIN.md defaults, configurable).
    staffing: StaffingRules = StaffingRules()
    max_import_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    # Uploads, refused past these sizes (the type is judged from the bytes).
    max_photo_bytes: int = Field(default=2 * 1024 * 1024, ge=1024)
    max_evidence_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
