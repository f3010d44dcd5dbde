"""Failed logins per account name: after too many in a window, that name is refused (429) until
the window has passed, whatever address the attempts come from (credential stuffing spreads over
many addresses; the per-address limit alone would not see it).

Kept in process memory: each replica counts on its own, which bounds guessing to a few attempts
per replica per window; a success clears the count.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from skilleval_shared.problems import RateLimited


class LoginThrottle:
    def __init__(
        self,
        max_failures: int,
        window_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self.clock = clock
        self._failures: dict[str, tuple[float, int]] = {}

    def _key(self, username: str) -> str:
        return username.strip().upper()

    def check(self, username: str) -> None:
        """Raise a 429 problem while ``username`` is locked out."""
        key = self._key(username)
        found = self._failures.get(key)
        if found is None:
            return
        started, count = found
        remaining = self.window_seconds - (self.clock() - started)
        if remaining <= 0:
            del self._failures[key]
        elif count >= self.max_failures:
            minutes = math.ceil(remaining / 60)
            raise RateLimited(
                f"该账号登录失败次数过多，请在 {minutes} 分钟后再试",
                headers={"Retry-After": str(math.ceil(remaining))},
            )

    def failed(self, username: str) -> None:
        key = self._key(username)
        now = self.clock()
        started, count = self._failures.get(key, (now, 0))
        if now - started >= self.window_seconds:
            started, count = now, 0
        self._failures[key] = (started, count + 1)
        if len(self._failures) > 100_000:  # bound the memory a spray of names can take
            self._failures = {
                name: value
                for name, value in self._failures.items()
                if now - value[0] < self.window_seconds
            }

    def succeeded(self, username: str) -> None:
        self._failures.pop(self._key(username), None)
