"""Refusals raised by models and services, in the domain's words; no HTTP here.

Each carries a Chinese ``message`` fit for the end user, optional field ``errors``
(``{"field": "a.b", "message": "中文"}``) and ``details`` (machine-readable extras). The web layer
maps each class to one RFC 9457 problem (``skilleval_shared.web.errors``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class DomainError(Exception):
    """A domain rule refused the request; ``message`` is shown to the user as is."""

    def __init__(
        self,
        message: str,
        *,
        errors: Sequence[Mapping[str, str]] = (),
        **details: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.errors = [dict(error) for error in errors]
        self.details = details


class NotAuthenticated(DomainError):
    """The caller could not be identified (a wrong password, an unknown account)."""


class NotPermitted(DomainError):
    """The actor's role may not take this action at all, or not on this object."""


class NotFound(DomainError):
    """The object does not exist, or must look as if it did not."""


class Conflict(DomainError):
    """The request clashes with what already exists."""


class AlreadyExists(Conflict):
    """Something with this identity exists already."""


class IllegalTransition(Conflict):
    """The action exists for this role, but not from the current state."""


class InvalidRequest(DomainError):
    """The action is allowed now, but what came with it breaks a rule."""


class TooManyAttempts(DomainError):
    """Refused for a while, e.g. after too many failed logins."""

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class Unavailable(DomainError):
    """A part this action needs is not configured or not reachable."""
