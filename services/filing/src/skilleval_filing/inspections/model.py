"""“双随机、一公开” random inspections: draw enterprises and inspectors from a published seed.

Anyone holding the seed and the two pools can recompute a draw (CPython 3.11+):

    rng = random.Random(int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest(), "big"))
    enterprises = rng.sample(sorted(enterprise_pool), enterprise_count)
    for each drawn enterprise, in that order:
        inspectors = rng.sample(sorted(inspector_pool), inspectors_per_enterprise)
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from skilleval_shared.domain_errors import IllegalTransition, InvalidRequest
from skilleval_shared.events.filing_parts import MAX_DRAWN, MAX_INSPECTORS, InspectionOutcome
from skilleval_shared.fields import LongText

__all__ = [
    "ALGORITHM",
    "MAX_SEED_LENGTH",
    "OUTCOME_LABELS",
    "Announcement",
    "Assignment",
    "Draw",
    "DrawPools",
    "InspectionOutcome",
    "InspectionRecord",
    "InspectionResult",
    "InspectionStatus",
    "Inspector",
    "announce",
    "check_counts",
    "draw",
    "pool_digest",
    "record_result",
]

ALGORITHM = "sha256-seeded-python-random-sample-v1"
MAX_SEED_LENGTH = 128
# At least two inspectors per enterprise (执法检查须两人以上).
MIN_INSPECTORS = 2


class Assignment(BaseModel):
    model_config = ConfigDict(frozen=True)

    enterprise: str
    inspectors: tuple[str, ...]


class Draw(BaseModel):
    model_config = ConfigDict(frozen=True)

    seed: str
    algorithm: str = ALGORITHM
    enterprise_pool_size: int
    inspector_pool_size: int
    assignments: tuple[Assignment, ...]


OUTCOME_LABELS = {
    InspectionOutcome.COMPLIANT: "未发现问题",
    InspectionOutcome.RECTIFICATION_REQUIRED: "责令整改",
    InspectionOutcome.NON_COMPLIANT: "发现违规",
}


class InspectionResult(BaseModel):
    """One drawn enterprise's result; results are published (一公开)."""

    model_config = ConfigDict(frozen=True)

    enterprise: str
    inspected_on: date
    outcome: InspectionOutcome
    findings: LongText


def record_result(
    draw: Draw, results: tuple[InspectionResult, ...], result: InspectionResult
) -> tuple[InspectionResult, ...]:
    """``results`` with ``result`` added; only drawn enterprises, each once."""
    if result.enterprise not in {a.enterprise for a in draw.assignments}:
        raise InvalidRequest(f"“{result.enterprise}”不在本次抽取的检查对象中")
    if any(r.enterprise == result.enterprise for r in results):
        raise InvalidRequest(f"“{result.enterprise}”的检查结果已经录入")
    return (*results, result)


class InspectionStatus(StrEnum):
    DRAWN = "drawn"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return {"drawn": "已抽取，检查中", "published": "结果已公开"}[self.value]


class Inspector(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    inspector_id: str
    name: str


class InspectionRecord(BaseModel):
    """The aggregate (kind ``inspection``, one per draw). The enterprise pool can hold every
    filed enterprise, so it is kept once as ``DrawPools``, not in every commit."""

    model_config = ConfigDict(frozen=True)

    inspection_id: str
    title: str | None = None
    draw: Draw
    enterprise_names: dict[str, str]  # of the drawn enterprises
    inspectors: tuple[Inspector, ...]  # the whole inspector pool
    pool_sha256: str
    results: tuple[InspectionResult, ...] = ()
    status: InspectionStatus = InspectionStatus.DRAWN
    drawn_on: date
    drawn_by: str
    drawn_at: datetime
    published_on: date | None = None
    published_by: str | None = None

    def with_result(self, result: InspectionResult, *, on: date) -> InspectionRecord:
        """A drawn enterprise's result, inspected between the draw and ``on``."""
        self._still_open()
        if not self.drawn_on <= result.inspected_on <= on:
            raise InvalidRequest("检查日期应在抽取日期与今天之间")
        return self.model_copy(update={"results": record_result(self.draw, self.results, result)})

    def published(self, *, by: str, on: date) -> InspectionRecord:
        """一公开: only once every drawn enterprise has its result."""
        self._still_open()
        done = {result.enterprise for result in self.results}
        missing = [a.enterprise for a in self.draw.assignments if a.enterprise not in done]
        if missing:
            raise IllegalTransition(f"尚有{len(missing)}家企业未录入检查结果，不能公开")
        update = {"status": InspectionStatus.PUBLISHED, "published_on": on, "published_by": by}
        return self.model_copy(update=update)

    def result_of(self, enterprise: str) -> InspectionResult:
        return next(result for result in self.results if result.enterprise == enterprise)

    def _still_open(self) -> None:
        if self.status is InspectionStatus.PUBLISHED:
            raise IllegalTransition("本次抽查结果已经公开，不能再修改")


class DrawPools(BaseModel):
    """What anyone needs, with the seed, to recompute a draw."""

    model_config = ConfigDict(frozen=True)

    inspection_id: str
    enterprises: tuple[str, ...]
    inspectors: tuple[Inspector, ...]
    sha256: str


def pool_digest(enterprises: Sequence[str], inspector_ids: Sequence[str]) -> str:
    """SHA-256 of the canonical pools, published with the draw so a copy can be checked."""
    canonical = json.dumps(
        {"enterprises": sorted(enterprises), "inspectors": sorted(inspector_ids)},
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _pool(items: Sequence[str], name: str) -> list[str]:
    duplicates = sorted(item for item, count in Counter(items).items() if count > 1)
    if duplicates:
        raise InvalidRequest(f"{name}中有重复项：{'、'.join(duplicates)}")
    return sorted(items)


def _count(
    value: int, name: str, limit: int, pool_size: int, pool_name: str, minimum: int = 1
) -> None:
    if not minimum <= value <= limit:
        raise InvalidRequest(f"{name}应为{minimum}至{limit}")
    if value > pool_size:
        raise InvalidRequest(f"{pool_name}只有{pool_size}个，不足以抽取{value}个")


def check_counts(
    enterprise_count: int,
    inspectors_per_enterprise: int,
    enterprise_pool_size: int,
    inspector_pool_size: int,
) -> None:
    """How many to draw fits the pools; two inspectors at least for each enterprise."""
    _count(enterprise_count, "抽取企业数", MAX_DRAWN, enterprise_pool_size, "检查对象名录库")
    _count(
        inspectors_per_enterprise,
        "每家企业检查人员数",
        MAX_INSPECTORS,
        inspector_pool_size,
        "执法检查人员名录库",
        minimum=MIN_INSPECTORS,
    )


def draw(
    seed: str,
    enterprises: Sequence[str],
    inspectors: Sequence[str],
    enterprise_count: int,
    inspectors_per_enterprise: int,
) -> Draw:
    """Raises ``InvalidRequest`` on an empty seed, duplicate pool entries or pools too small."""
    if not seed.strip() or len(seed) > MAX_SEED_LENGTH:
        raise InvalidRequest(f"随机种子不能为空，且不超过{MAX_SEED_LENGTH}个字符")
    enterprise_pool = _pool(enterprises, "检查对象名录库")
    inspector_pool = _pool(inspectors, "执法检查人员名录库")
    check_counts(
        enterprise_count, inspectors_per_enterprise, len(enterprise_pool), len(inspector_pool)
    )
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    rng = random.Random(int.from_bytes(digest, "big"))
    drawn = rng.sample(enterprise_pool, enterprise_count)
    assignments = tuple(
        Assignment(
            enterprise=enterprise,
            inspectors=tuple(rng.sample(inspector_pool, inspectors_per_enterprise)),
        )
        for enterprise in drawn
    )
    return Draw(
        seed=seed,
        enterprise_pool_size=len(enterprise_pool),
        inspector_pool_size=len(inspector_pool),
        assignments=assignments,
    )


class Announcement(BaseModel):
    """双随机 announced before the draw (kind ``inspection-announcement``, id = the inspection's).

    The pools are frozen and published with it, and the seed is a public value that nobody
    knows yet: the result of ``seed_source`` on ``seed_date`` (e.g. a lottery draw). Once that
    value is public, staff enter it and the draw is made exactly once (the inspection's commit
    under the same id is a unique insert), so no one can try seeds until one suits.
    """

    model_config = ConfigDict(frozen=True)

    inspection_id: str
    title: str | None = None
    seed_source: str
    seed_date: date
    enterprise_count: int
    inspectors_per_enterprise: int
    enterprise_names: dict[str, str]  # the frozen enterprise pool, with names
    inspectors: tuple[Inspector, ...]  # the frozen inspector pool
    pool_sha256: str
    announced_on: date
    announced_by: str
    announced_at: datetime

    def drawn_with(self, public_value: str, *, on: date) -> Draw:
        """The draw from the announced public value, entered on ``on``."""
        if on < self.seed_date:
            raise IllegalTransition(
                f"随机种子为{self.seed_date.isoformat()}公布的公开数值，届时方可抽取"
            )
        return draw(
            public_value.strip(),
            list(self.enterprise_names),
            [inspector.inspector_id for inspector in self.inspectors],
            self.enterprise_count,
            self.inspectors_per_enterprise,
        )


def announce(
    *,
    inspection_id: str,
    title: str | None,
    seed_source: str,
    seed_date: date,
    enterprise_count: int,
    inspectors_per_enterprise: int,
    enterprise_names: dict[str, str],
    inspectors: Sequence[Inspector],
    on: date,
    by: str,
    at: datetime,
) -> Announcement:
    """The seed's date must come after the announcement, so its value is unknown when the pools
    are frozen."""
    if seed_date <= on:
        raise InvalidRequest("随机种子的公布日期应晚于公告日期，使公告时无人能预知种子")
    if not enterprise_names:
        raise InvalidRequest("检查对象名录库为空，不能发布抽查公告")
    check_counts(
        enterprise_count, inspectors_per_enterprise, len(enterprise_names), len(inspectors)
    )
    ids = [inspector.inspector_id for inspector in inspectors]
    return Announcement(
        inspection_id=inspection_id,
        title=title,
        seed_source=seed_source,
        seed_date=seed_date,
        enterprise_count=enterprise_count,
        inspectors_per_enterprise=inspectors_per_enterprise,
        enterprise_names=dict(sorted(enterprise_names.items())),
        inspectors=tuple(sorted(inspectors, key=lambda inspector: inspector.inspector_id)),
        pool_sha256=pool_digest(list(enterprise_names), ids),
        announced_on=on,
        announced_by=by,
        announced_at=at,
    )
