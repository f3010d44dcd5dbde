"""Searching the directory: by name, by occupation (code, occupation name or 工种)."""

from __future__ import annotations

import unicodedata
from typing import Any

from skilleval_shared.validation.occupation import SkillLevel


def _folded(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def matches(institution: dict[str, Any], name: str, occupation: str) -> bool:
    if name and _folded(name) not in _folded(
        f"{institution.get('name', '')} {institution.get('short_name') or ''}"
    ):
        return False
    if not occupation:
        return True
    wanted = _folded(occupation)
    return any(
        wanted in _folded(entry.get("occupation_code", ""))
        or wanted in _folded(entry.get("occupation_name", ""))
        or wanted in _folded(entry.get("work_type") or "")
        for entry in institution.get("catalog") or []
    )


def level_titles(levels: list[int]) -> str:
    """``五级/初级工、四级/中级工``: lowest level first, as on the 附表."""
    return "、".join(SkillLevel(level).title for level in sorted(levels, reverse=True))
