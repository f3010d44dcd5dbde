from __future__ import annotations

import hashlib
import random
from datetime import UTC, date, datetime

import pytest

from skilleval_filing.inspections.model import (
    ALGORITHM,
    OUTCOME_LABELS,
    Announcement,
    InspectionOutcome,
    InspectionResult,
    Inspector,
    announce,
    draw,
    pool_digest,
    record_result,
)
from skilleval_shared.domain_errors import IllegalTransition, InvalidRequest

ENTERPRISES = [f"ENT-{n:03d}" for n in range(40)]
INSPECTORS = [f"INSP-{n:02d}" for n in range(12)]
SEED = "2026年第一批双随机抽查 公证种子 7f3a9c"


def test_the_same_seed_gives_the_same_draw() -> None:
    assert draw(SEED, ENTERPRISES, INSPECTORS, 5, 2) == draw(SEED, ENTERPRISES, INSPECTORS, 5, 2)


def test_the_order_pools_are_given_in_does_not_matter() -> None:
    shuffled = list(reversed(ENTERPRISES))

    assert draw(SEED, shuffled, INSPECTORS[::-1], 5, 2) == draw(SEED, ENTERPRISES, INSPECTORS, 5, 2)


def test_another_seed_gives_another_draw() -> None:
    first = draw(SEED, ENTERPRISES, INSPECTORS, 5, 2).assignments
    assert first != draw(SEED + "x", ENTERPRISES, INSPECTORS, 5, 2).assignments


def test_anyone_can_recompute_the_draw_from_the_documented_recipe() -> None:
    result = draw(SEED, ENTERPRISES, INSPECTORS, 3, 2)

    rng = random.Random(int.from_bytes(hashlib.sha256(SEED.encode("utf-8")).digest(), "big"))
    enterprises = rng.sample(sorted(ENTERPRISES), 3)
    expected = [(name, tuple(rng.sample(sorted(INSPECTORS), 2))) for name in enterprises]
    assert [(a.enterprise, a.inspectors) for a in result.assignments] == expected
    assert result.algorithm == ALGORITHM
    assert (result.enterprise_pool_size, result.inspector_pool_size) == (40, 12)


def test_enterprises_are_distinct_and_no_inspector_twice_for_one_enterprise() -> None:
    result = draw(SEED, ENTERPRISES, INSPECTORS[:3], 40, 3)

    assert sorted(a.enterprise for a in result.assignments) == sorted(ENTERPRISES)
    assert all(len(set(a.inspectors)) == 3 for a in result.assignments)


@pytest.mark.parametrize(
    ("enterprise_count", "per_enterprise", "message"),
    [
        (41, 2, "检查对象名录库只有40个，不足以抽取41个"),
        (1, 3, "执法检查人员名录库只有2个，不足以抽取3个"),
        (0, 2, "抽取企业数应为1至100"),
        (1, 1, "每家企业检查人员数应为2至3"),
        (1, 0, "每家企业检查人员数应为2至3"),
        (1, 4, "每家企业检查人员数应为2至3"),
    ],
)
def test_impossible_draws_are_refused(
    enterprise_count: int, per_enterprise: int, message: str
) -> None:
    with pytest.raises(InvalidRequest, match=message):
        draw(SEED, ENTERPRISES, INSPECTORS[:2], enterprise_count, per_enterprise)


def test_duplicate_pool_entries_are_refused() -> None:
    with pytest.raises(InvalidRequest, match="检查对象名录库中有重复项：ENT-001"):
        draw(SEED, [*ENTERPRISES, "ENT-001"], INSPECTORS, 1, 2)


@pytest.mark.parametrize("seed", ["", "   ", "x" * 129])
def test_the_seed_must_be_given_and_short(seed: str) -> None:
    with pytest.raises(InvalidRequest, match="随机种子不能为空"):
        draw(seed, ENTERPRISES, INSPECTORS, 1, 2)


def test_results_are_recorded_once_per_drawn_enterprise() -> None:
    result = draw(SEED, ENTERPRISES, INSPECTORS, 2, 2)
    drawn = result.assignments[0].enterprise
    finding = InspectionResult(
        enterprise=drawn,
        inspected_on=date(2026, 11, 3),
        outcome=InspectionOutcome.RECTIFICATION_REQUIRED,
        findings="考评记录不完整",
    )

    results = record_result(result, (), finding)

    assert results == (finding,)
    with pytest.raises(InvalidRequest, match="的检查结果已经录入"):
        record_result(result, results, finding)
    outsider = next(e for e in ENTERPRISES if e not in {a.enterprise for a in result.assignments})
    with pytest.raises(InvalidRequest, match="不在本次抽取的检查对象中"):
        record_result(result, (), finding.model_copy(update={"enterprise": outsider}))


def test_every_outcome_has_a_chinese_label() -> None:
    assert set(OUTCOME_LABELS) == set(InspectionOutcome)


def announcement(**overrides: object) -> Announcement:
    fields: dict[str, object] = {
        "inspection_id": "insp-1",
        "title": "2026年第四季度抽查",
        "seed_source": "2026年11月10日福利彩票3D开奖号码",
        "seed_date": date(2026, 11, 10),
        "enterprise_count": 3,
        "inspectors_per_enterprise": 2,
        "enterprise_names": {e: f"企业{e}" for e in ENTERPRISES},
        "inspectors": [Inspector(inspector_id=i, name=f"检查员{i}") for i in INSPECTORS],
        "on": date(2026, 11, 3),
        "by": "staff:wang",
        "at": datetime(2026, 11, 3, 9, tzinfo=UTC),
    }
    return announce(**(fields | overrides))  # type: ignore[arg-type]


def test_an_announced_draw_is_the_documented_draw_of_the_public_value() -> None:
    announced = announcement()
    drawn = announced.drawn_with(" 4 1 7 ", on=date(2026, 11, 10))

    assert drawn == draw("4 1 7", ENTERPRISES, INSPECTORS, 3, 2)
    assert drawn == announced.drawn_with("4 1 7", on=date(2026, 11, 11))  # reproducible
    assert announced.pool_sha256 == pool_digest(ENTERPRISES, INSPECTORS)


def test_no_draw_before_the_public_value_is_published() -> None:
    with pytest.raises(IllegalTransition, match="2026-11-10公布的公开数值"):
        announcement().drawn_with("4 1 7", on=date(2026, 11, 9))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"seed_date": date(2026, 11, 3)}, "随机种子的公布日期应晚于公告日期"),
        ({"inspectors_per_enterprise": 1}, "每家企业检查人员数应为2至3"),
        ({"enterprise_names": {}}, "检查对象名录库为空"),
        ({"enterprise_count": 41}, "只有40个，不足以抽取41个"),
    ],
)
def test_an_announcement_that_could_not_be_drawn_fairly_is_refused(
    overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidRequest, match=message):
        announcement(**overrides)
