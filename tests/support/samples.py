"""Valid sample payloads for tests, built from the real event catalog."""

from __future__ import annotations

from datetime import date

from skilleval_shared.events.filing import FilingFiled

USCC = "91350100M000100Y43"
OTHER_USCC = "91512081MA62K0260E"

CATALOG_ROW = {
    "occupation_name": "车工",
    "occupation_code": "6-18-01-01",
    "work_type": "数控车工",
    "levels": [5, 4, 3],
    "standard": "国家标准",
}


def filing_filed(
    uscc: str = USCC, name: str = "青岛示例机械有限公司", serial: str = "000123"
) -> FilingFiled:
    return FilingFiled.model_validate(
        {
            "uscc": uscc,
            "filing_id": f"F-{uscc}",
            "receipt_number": f"QDZP-2026-{serial}",
            "filed_on": date(2026, 11, 20),
            "enterprise_name": name,
            "address": "山东省青岛市黄岛区示例路1号",
            "email": "hr@example.com",
            "institution_serial": serial,
            "catalog": [CATALOG_ROW],
        }
    )
