"""The roster as an xlsx sheet in the 附件3 layout (written with openpyxl, write-only)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook

from skilleval_assessment.rosters.model import HEADERS, official_values
from skilleval_shared.events.roster import RosterRow

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def roster_xlsx(rows: Iterable[RosterRow]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("职业技能等级认定人员名册")
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append(official_values(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
