"""Accounts: an enterprise's (one per USCC, self-registered) and staff accounts (made by the
command-line tool). The id is the login name's account id; the state holds the password hash."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from skilleval_filing.filings.lifecycle import Actor
from skilleval_shared.fields import USCC, Email, Name, Phone, ShortText

KIND = "account"
MIN_PASSWORD_LENGTH = 10
STAFF_ACTORS = (Actor.CITY_CENTER, Actor.PROVINCE_CENTER, Actor.ADMIN)


class AccountKind(StrEnum):
    ENTERPRISE = "enterprise"
    STAFF = "staff"


class Account(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: AccountKind
    password_hash: str
    created_at: str
    # An enterprise's
    uscc: USCC | None = None
    enterprise_name: ShortText | None = None
    contact_name: Name | None = None
    contact_phone: Phone | None = None
    email: Email | None = None
    # A staff member's
    username: str | None = None
    role: Actor | None = None
    name: str | None = None

    @property
    def actor(self) -> Actor:
        if self.kind is AccountKind.ENTERPRISE or self.role is None:
            return Actor.ENTERPRISE
        return self.role

    @property
    def display_name(self) -> str:
        return (self.enterprise_name if self.kind is AccountKind.ENTERPRISE else self.name) or ""

    @property
    def subject(self) -> str:
        """Who the token speaks for: the USCC, or ``staff:<username>``."""
        if self.kind is AccountKind.ENTERPRISE:
            assert self.uscc is not None
            return self.uscc
        return staff_account_id(self.username or "")


def enterprise_account_id(uscc: str) -> str:
    return uscc.upper()


def staff_account_id(username: str) -> str:
    return f"staff:{username}"
