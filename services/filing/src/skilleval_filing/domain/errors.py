"""Errors raised by domain rules; each carries a Chinese message fit for the end user."""

from __future__ import annotations


class DomainError(Exception):
    """A domain rule refused the request; ``message`` is shown to the user as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotPermitted(DomainError):
    """The actor's role may not take this action at all."""


class IllegalTransition(DomainError):
    """The action exists for this role, but not from the current state."""


class InvalidRequest(DomainError):
    """The action is allowed now, but what came with it breaks a rule."""
