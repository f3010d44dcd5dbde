"""Certificate statistics: the dimensions counted, and bar charts laid out for SVG."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from skilleval_shared.validation.occupation import SkillLevel

# Qingdao's districts and county-level cities (GB/T 2260), by the registering area in a USCC.
DISTRICTS = {
    "370200": "青岛市",
    "370202": "市南区",
    "370203": "市北区",
    "370211": "黄岛区",
    "370212": "崂山区",
    "370213": "李沧区",
    "370214": "城阳区",
    "370215": "即墨区",
    "370281": "胶州市",
    "370283": "平度市",
    "370285": "莱西市",
}


class Dimension(StrEnum):
    OCCUPATION = "occupation"
    LEVEL = "level"
    INSTITUTION = "institution_name"
    YEAR = "year"
    DISTRICT = "district"

    @property
    def label(self) -> str:
        return {
            "occupation": "按职业（工种）",
            "level": "按等级",
            "institution_name": "按评价机构",
            "year": "按发证年度",
            "district": "按机构所在区（市）",
        }[self.value]


def category_name(dimension: Dimension, key: object) -> str:
    if key is None:
        return "未知"
    if dimension is Dimension.LEVEL:
        return SkillLevel(int(str(key))).title
    if dimension is Dimension.DISTRICT:
        return DISTRICTS.get(str(key), f"其他地区（{key}）")
    if dimension is Dimension.YEAR:
        return f"{key}年"
    return str(key)


def ordered(dimension: Dimension, counts: dict[str, int]) -> list[tuple[str, int]]:
    """Levels from 五级 up and years in order; everything else by count, largest first."""
    if dimension is Dimension.LEVEL:
        return sorted(counts.items(), key=lambda item: item[0], reverse=True)
    if dimension is Dimension.YEAR:
        return sorted(counts.items())
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    y: int
    width: float


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list[Bar]
    height: int


BAR_HEIGHT, GAP, WIDTH = 22, 8, 300.0
MAX_BARS = 20


def chart(title: str, rows: list[tuple[str, int]]) -> Chart:
    """Horizontal bars scaled to the largest count; at most ``MAX_BARS``, the rest summed."""
    shown = rows[:MAX_BARS]
    if len(rows) > MAX_BARS:
        shown.append(("其他", sum(count for _, count in rows[MAX_BARS:])))
    top = max((count for _, count in shown), default=0) or 1
    bars = [
        Bar(label, count, index * (BAR_HEIGHT + GAP), WIDTH * count / top)
        for index, (label, count) in enumerate(shown)
    ]
    return Chart(title, bars, max(len(bars), 1) * (BAR_HEIGHT + GAP))
