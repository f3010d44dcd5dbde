"""Progress of a roster through the running system, sampled while faults hit it, and the stall
each fault caused.

Counters are cheap to read whatever the system holds: Kafka end offsets (events a service has
published) and consumer-group offsets (events a service has handled), and Mailpit's count of a
search. (A count of a FerretDB collection scans the table: at 10,000 certificates per roster it
would load the database under test more than the pipeline does.) A counter that cannot be read
at a moment (Kafka restarting, Mailpit down) keeps its last value in that sample.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field

from skilleval_shared.tasks import Periodic

Reader = Callable[[], Awaitable[int]]


@dataclass(frozen=True)
class Sample:
    at: float  # time.monotonic()
    counts: Mapping[str, int]


def value_at(samples: Sequence[Sample], counter: str, at: float) -> int:
    """The counter's value in the last sample taken at or before ``at`` (0 before any)."""
    found = 0
    for sample in samples:
        if sample.at > at:
            break
        found = sample.counts.get(counter, found)
    return found


def resumed_after(samples: Sequence[Sample], counter: str, fault_at: float) -> float | None:
    """Seconds from the fault to the first sample in which the counter has moved past its value
    at the fault; None if it never moved again."""
    before = value_at(samples, counter, fault_at)
    for sample in samples:
        if sample.at > fault_at and sample.counts.get(counter, before) > before:
            return sample.at - fault_at
    return None


def reached_at(samples: Sequence[Sample], counter: str, target: int) -> float | None:
    """The time of the first sample in which the counter reached ``target``."""
    for sample in samples:
        if sample.counts.get(counter, 0) >= target:
            return sample.at
    return None


@dataclass
class Poller:
    """Samples every counter every ``interval`` seconds until stopped."""

    readers: Mapping[str, Reader]
    interval: float = 0.5
    read_timeout: float = 3.0
    samples: list[Sample] = field(default_factory=list)
    _periodic: Periodic | None = None

    def latest(self, counter: str) -> int:
        return self.samples[-1].counts.get(counter, 0) if self.samples else 0

    async def sample(self) -> Sample:
        last = dict(self.samples[-1].counts) if self.samples else {}
        names = list(self.readers)
        read = await asyncio.gather(
            *(asyncio.wait_for(self.readers[n](), self.read_timeout) for n in names),
            return_exceptions=True,
        )
        counts = {
            name: value if isinstance(value, int) else last.get(name, 0)
            for name, value in zip(names, read, strict=True)
        }
        taken = Sample(time.monotonic(), counts)
        self.samples.append(taken)
        return taken

    def start(self) -> None:
        # Periodic: it stops even when a cancellation is swallowed inside a client's I/O.
        self._periodic = Periodic("progress poller", self.sample, self.interval)
        self._periodic.start()

    async def stop(self) -> None:
        if self._periodic is not None:
            await self._periodic.stop()
            self._periodic = None

    async def until(self, condition: Callable[[Sample], bool], timeout: float) -> Sample:
        """Wait for a sample that meets the condition (TimeoutError otherwise)."""
        deadline = time.monotonic() + timeout
        seen = 0
        while time.monotonic() < deadline:
            for sample in self.samples[seen:]:
                if condition(sample):
                    return sample
            seen = len(self.samples)
            await asyncio.sleep(self.interval / 2)
        raise TimeoutError("progress condition not met in time")
