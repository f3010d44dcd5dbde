"""Password hashing: Argon2id, checked correctly, and run off the event loop."""

from __future__ import annotations

import asyncio

import pytest

from skilleval_filing.accounts.throttle import LoginThrottle
from skilleval_filing.adapters.passwords import DUMMY_HASH, hash_password, verify_password
from skilleval_shared.domain_errors import TooManyAttempts


async def test_a_hash_is_argon2id_and_checks_only_its_password():
    hashed = await hash_password("正确的密码-123")
    assert hashed.startswith("$argon2id$")
    assert await verify_password(hashed, "正确的密码-123")
    assert not await verify_password(hashed, "正确的密码-124")
    assert not await verify_password("not a hash", "正确的密码-123")
    assert not await verify_password(DUMMY_HASH, "")


async def test_a_check_does_not_block_the_event_loop():
    hashed = await hash_password("password-123")
    check = asyncio.create_task(verify_password(hashed, "password-123"))
    await asyncio.sleep(0)
    # A check done on the loop itself would have finished inside that one step.
    assert not check.done()
    ticks = 0
    while not check.done():
        ticks += 1
        await asyncio.sleep(0.001)
    assert ticks > 1
    assert check.result()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


USCC = "91350100M000100Y43"
HERE, ELSEWHERE = "198.51.100.7", "203.0.113.9"


def test_throttle_locks_a_name_from_an_address_after_max_attempts_until_the_window_passes():
    clock = Clock()
    throttle = LoginThrottle(3, 900, clock)
    for _ in range(3):
        throttle.attempt(USCC, HERE)
    with pytest.raises(TooManyAttempts) as refused:
        throttle.attempt(" 91350100m000100y43 ", HERE)  # the same account however it is typed
    assert "15 分钟" in refused.value.message
    throttle.attempt("91512081MA62K0260E", HERE)  # another name is not affected
    throttle.attempt(USCC, ELSEWHERE)  # nor the owner at another address
    clock.now += 899
    with pytest.raises(TooManyAttempts):
        throttle.attempt(USCC, HERE)
    clock.now += 1
    throttle.attempt(USCC, HERE)


def test_a_success_clears_the_count_and_old_attempts_expire():
    clock = Clock()
    throttle = LoginThrottle(2, 60, clock)
    throttle.attempt("a", HERE)
    throttle.succeeded("a", HERE)
    throttle.attempt("a", HERE)
    throttle.attempt("a", HERE)
    with pytest.raises(TooManyAttempts):
        throttle.attempt("a", HERE)
    clock.now += 61
    throttle.attempt("a", HERE)  # the earlier attempts are outside the window
