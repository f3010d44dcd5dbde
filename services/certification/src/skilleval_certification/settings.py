from __future__ import annotations

from pathlib import Path

from pydantic import model_validator

from skilleval_shared.settings import Settings


class CertificationSettings(Settings):
    service_name: str = "certification"
    http_port: int = 8003
    # Ed25519 key (PEM) that signs certificate QR codes; outside production one is generated
    # and kept in the database when this is unset.
    certificate_signing_key_file: Path | None = None
    # The registry's public verification page, printed in every QR code.
    certificate_verification_url: str = "http://127.0.0.1:8004/public/certificates/verify"
    # A roster at "numbering" whose latest order is older than this is ordered again (at start
    # and every interval); after this many orders it goes back to "province_approved".
    numbering_resume_after_seconds: float = 600.0
    numbering_resume_interval_seconds: float = 60.0
    numbering_max_orders: int = 3

    @model_validator(mode="after")
    def _signing_key_in_production(self) -> CertificationSettings:
        if self.environment == "production" and self.certificate_signing_key_file is None:
            raise ValueError("CERTIFICATE_SIGNING_KEY_FILE must be set in production")
        return self
