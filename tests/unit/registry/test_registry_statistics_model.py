from __future__ import annotations

from skilleval_registry.statistics.model import Dimension, category_name, chart, ordered


def test_levels_read_from_five_up_and_districts_by_name() -> None:
    assert [key for key, _ in ordered(Dimension.LEVEL, {"3": 1, "5": 9, "4": 2})] == ["5", "4", "3"]
    assert category_name(Dimension.LEVEL, "5") == "五级/初级工"
    assert category_name(Dimension.DISTRICT, "370211") == "黄岛区"
    assert category_name(Dimension.YEAR, "2026") == "2026年"


def test_bars_scale_to_the_largest_and_the_tail_is_summed() -> None:
    drawn = chart("按职业", [("车工", 100), ("焊工", 50)] + [(f"职业{n}", 1) for n in range(23)])
    assert [bar.width for bar in drawn.bars[:2]] == [300.0, 150.0]
    assert len(drawn.bars) == 21
    assert (drawn.bars[-1].label, drawn.bars[-1].count, drawn.bars[-1].y) == ("其他", 5, 600)
    assert chart("空", []).bars == []
