from __future__ import annotations

from pydantic import BaseModel, Field

from skilleval_registry.lookup.schemas import CertificateView


class VerificationView(BaseModel):
    verdict: str = Field(title="结论代码", description="valid / revoked / forged / unknown")
    verdict_title: str = Field(title="结论")
    explanation: str = Field(title="说明")
    certificate: CertificateView | None = Field(default=None, title="证书（脱敏）")
