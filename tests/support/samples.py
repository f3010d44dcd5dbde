"""Identifiers every service's tests share. Each service's sample data lives in its own module
(filing's in ``support.filing_samples``)."""

from __future__ import annotations

USCC = "91350100M000100Y43"
OTHER_USCC = "91512081MA62K0260E"
