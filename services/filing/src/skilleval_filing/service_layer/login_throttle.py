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
from skilleval_shared.web.ratelimit import WindowCounts


class LoginThrottle:
    def __init__(
        self,
        max_failures: int,
        window_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.failures = WindowCounts(window_seconds, clock)

    @staticmethod
    def _key(username: str) -> str:
        return username.strip().upper()

    def check(self, username: str) -> None:
        """Raise a 429 problem while ``username`` is locked out."""
        count, left = self.failures.current(self._key(username))
        if count >= self.max_failures:
            raise RateLimited(
                f"该账号登录失败次数过多，请在 {math.ceil(left / 60)} 分钟后再试",
                headers={"Retry-After": str(math.ceil(left))},
            )

    def failed(self, username: str) -> None:
        self.failures.add(self._key(username))

    def succeeded(self, username: str) -> None:
        self.failures.clear(self._key(username))
