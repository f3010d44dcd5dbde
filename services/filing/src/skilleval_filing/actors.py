"""Who acts, in the domain's terms and as recorded in events (``decided_by`` and the like)."""

from __future__ import annotations

from dataclasses import dataclass

from skilleval_filing.filings.lifecycle import STAFF, Actor


@dataclass(frozen=True)
class Caller:
    """The actor, the account id events record, and the enterprise an enterprise acts for."""

    actor: Actor
    account_id: str | None = None
    uscc: str | None = None

    @property
    def is_staff(self) -> bool:
        return self.actor in STAFF or self.actor is Actor.PROVINCE_CENTER

    @property
    def by(self) -> str:
        if self.account_id is None:
            raise ValueError("this action records who took it, but no account was given")
        return self.account_id

    def may_see(self, uscc: str) -> bool:
        return self.is_staff or self.uscc == uscc


SYSTEM = Caller(Actor.SYSTEM)
PUBLIC = Caller(Actor.PUBLIC)
