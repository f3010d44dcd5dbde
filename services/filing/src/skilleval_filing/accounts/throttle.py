"""Password attempts per account name and client address: after too many in a window without a
success, that name is refused (429) from that address until the window has passed.

Keyed by address too, so that nobody can lock an enterprise out of its own account by failing
on purpose from elsewhere (enterprise account names are their public credit codes). Guessing
spread over many addresses is bounded by this limit per address and by the per-address request
limit on the login endpoint.

An attempt is counted when it starts, not when its password check ends, so a burst of
simultaneous guesses cannot all slip past the limit while the checks run. A success clears
the count. Kept in process memory: each replica counts on its own.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from skilleval_shared.domain_errors import TooManyAttempts
from skilleval_shared.web.ratelimit import WindowCounts


class LoginThrottle:
    def __init__(
        self,
        max_attempts: int,
        window_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_attempts = max_attempts
        self.attempts = WindowCounts(window_seconds, clock)

    @staticmethod
    def _key(username: str, client: str) -> str:
        return f"{username.strip().upper()}@{client}"

    def attempt(self, username: str, client: str) -> None:
        """Count an attempt, or raise a 429 problem while ``username`` is locked out here."""
        key = self._key(username, client)
        count, left = self.attempts.current(key)
        if count >= self.max_attempts:
            raise TooManyAttempts(
                f"该账号登录失败次数过多，请在 {math.ceil(left / 60)} 分钟后再试",
                retry_after_seconds=math.ceil(left),
            )
        self.attempts.add(key)

    def succeeded(self, username: str, client: str) -> None:
        self.attempts.clear(self._key(username, client))
