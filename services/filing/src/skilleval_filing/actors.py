"""Who acts, in the domain's terms and as recorded in events."""

from __future__ import annotations

import hashlib
import re

from skilleval_filing.filings.lifecycle import Actor
from skilleval_shared.auth import Principal

# The shared events' Identifier pattern.
_IDENTIFIER = re.compile(r"[0-9A-Za-z][0-9A-Za-z:._/-]{0,63}")


def actor_of(principal: Principal) -> Actor:
    return Actor(principal.role.value)


def actor_id(principal: Principal) -> str:
    """The account id, or a stable digest of it when it does not fit an event identifier."""
    if _IDENTIFIER.fullmatch(principal.subject):
        return principal.subject
    return "account:" + hashlib.sha256(principal.subject.encode()).hexdigest()[:32]
