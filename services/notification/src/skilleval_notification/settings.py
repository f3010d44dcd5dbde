from __future__ import annotations

from pydantic import Field

from skilleval_shared.settings import Settings


class NotificationSettings(Settings):
    service_name: str = "notification"
    http_port: int = 8005

    # SMTP: SMTP_HOST/SMTP_PORT come from the shared settings.
    smtp_use_tls: bool = False  # implicit TLS (port 465)
    smtp_start_tls: bool = False  # STARTTLS after connecting
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    # The throttle: at most this many open SMTP connections and messages per second per replica,
    # so a 10,000-row roster does not flood the mail server.
    smtp_connections: int = Field(default=4, ge=1, le=64)
    smtp_max_per_second: float = Field(default=1000.0, gt=0)

    mail_from: str = "青岛市职业技能等级认定通知 <noreply@skilleval.qd.gov.cn>"
    # The right-hand side of every Message-ID.
    mail_domain: str = "skilleval.qd.gov.cn"
    city_center_email: str = "jdzx@skilleval.qd.gov.cn"
    province_center_email: str = "sjdzx@skilleval.sd.gov.cn"
    certificate_lookup_url: str = "http://127.0.0.1:8004/api/v1/public/certificates/{number}"

    # Retries while the SMTP server is down: attempt n waits base·2^(n-1) (capped), and the
    # email is marked failed after ``delivery_max_attempts`` attempts.
    delivery_max_attempts: int = Field(default=10, ge=1, le=100)
    delivery_backoff_seconds: float = Field(default=2.0, ge=0)
    delivery_backoff_max_seconds: float = Field(default=300.0, ge=0)
    delivery_retry_poll_seconds: float = Field(default=1.0, gt=0)
    # A claimed attempt with no outcome after this long is taken to have died with its process
    # and is made again (same Message-ID).
    delivery_stale_seconds: float = Field(default=60.0, ge=0)
