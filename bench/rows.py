"""Roster-row-sized payloads (附件3, about 600 bytes of JSON with Chinese text) for benchmarks."""

from __future__ import annotations

import json
from typing import Any

from skilleval_shared.validation.id_number import resident_id_check_char

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def id_number(n: int) -> str:
    body = f"370202{1970 + n % 30:04d}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return body + resident_id_check_char(body)


def roster_row(n: int) -> dict[str, Any]:
    return {
        "seq": n + 1,
        "institution_code": "Y00003712345",
        "institution_name": "青岛示例机械有限公司",
        "name": SURNAMES[n % len(SURNAMES)] + "示例" + str(n % 97),
        "id_type": "居民身份证",
        "id_number": id_number(n),
        "gender": "男" if n % 2 else "女",
        "birth_date": f"{1970 + n % 30:04d}-{1 + n % 12:02d}-{1 + n % 28:02d}",
        "phone": f"1380532{n % 10000:04d}",
        "email": f"worker{n}@example.com",
        "is_employee": "是",
        "employer": "青岛示例机械有限公司黄岛分厂",
        "years_in_occupation": 3 + n % 20,
        "post": "数控车床操作岗位",
        "hire_date": "2015-07-01",
        "occupation_code": "6-18-01-01",
        "occupation_name": "车工",
        "work_type": "数控车工",
        "level": "四级/中级工",
        "certificate_number": "",
        "issue_date": "",
        "remark": "理论成绩合格，技能操作成绩合格，工作业绩评定合格",
    }


def row_bytes(n: int) -> bytes:
    return json.dumps(roster_row(n), ensure_ascii=False, separators=(",", ":")).encode()
