from __future__ import annotations

import asyncio
import contextlib

from skilleval_shared.tasks import Periodic


class DriverError(Exception):
    pass


async def driver_call() -> None:
    """Like a driver that turns a cancellation inside its I/O into its own error."""
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        raise DriverError("connection closed") from None


async def test_periodic_stops_even_when_the_work_swallows_the_cancellation():
    periodic = Periodic("driver-bound", driver_call, interval_seconds=0.01)
    periodic.start()
    await asyncio.sleep(0.05)
    await asyncio.wait_for(periodic.stop(), timeout=5)


async def test_periodic_repeats_its_work_and_survives_errors():
    calls = 0

    async def flaky() -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("首次失败")

    periodic = Periodic("flaky", flaky, interval_seconds=0.01)
    periodic.start()
    await asyncio.sleep(0.2)
    await periodic.stop()
    assert calls >= 3


async def test_wake_runs_the_work_before_the_interval():
    ran = asyncio.Event()
    rounds = 0

    async def work() -> None:
        nonlocal rounds
        rounds += 1
        if rounds == 2:
            ran.set()

    periodic = Periodic("sleepy", work, interval_seconds=60)
    periodic.start()
    await asyncio.sleep(0.05)
    periodic.wake()
    await asyncio.wait_for(ran.wait(), timeout=2)
    await periodic.stop()


async def test_gather_limited_cancelled_leaves_no_call_unawaited():
    """A call still waiting at the gate when the gather is cancelled is closed, not left for
    Python to warn about ("coroutine … was never awaited", seen from the outbox relay)."""
    import inspect

    from skilleval_shared.tasks import gather_limited

    started = asyncio.Event()

    async def slow() -> None:
        started.set()
        await asyncio.sleep(10)

    calls = [slow(), slow(), slow()]
    running = asyncio.create_task(gather_limited(calls, 1))
    await started.wait()
    running.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await running
    assert [inspect.getcoroutinestate(c) for c in calls] == [inspect.CORO_CLOSED] * 3
