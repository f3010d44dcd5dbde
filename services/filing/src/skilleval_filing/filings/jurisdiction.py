"""Who may file with the Qingdao centre (青人社发〔2020〕7号 二（二）、六（一））.

Enterprises registered within Qingdao (the USCC's registering division, positions 3–8, is 3702xx)
file here. A provincial enterprise (省属企业) may file here or with the provincial centre; a central
enterprise in Qingdao (中央驻青企业) follows the ministry's arrangements. The application records
which (隶属关系), and the filing says where it belongs.
"""

from __future__ import annotations

from typing import Any

from skilleval_shared.domain_errors import NotPermitted
from skilleval_shared.events.filing_parts import Affiliation
from skilleval_shared.validation import division_code_of

QINGDAO_DIVISION = "3702"
CITY_CENTRE = "青岛市职业技能鉴定中心"
PROVINCE_CENTRE = "山东省职业技能鉴定指导中心"

_WHERE = {
    Affiliation.LOCAL: (CITY_CENTRE, None),
    Affiliation.PROVINCIAL: (
        f"{CITY_CENTRE}或{PROVINCE_CENTRE}",
        f"省属企业（集团公司）既可向{PROVINCE_CENTRE}备案，也可在{CITY_CENTRE}备案；"
        f"在本系统提交即向{CITY_CENTRE}备案。",
    ),
    Affiliation.CENTRAL: (
        "按人力资源社会保障部有关要求办理",
        "中央驻青企业按国家人力资源社会保障部有关要求办理备案，"
        f"请确认部里安排由{CITY_CENTRE}受理后再提交。",
    ),
}


def registered_in_qingdao(uscc: str) -> bool:
    return division_code_of(uscc).startswith(QINGDAO_DIVISION)


def ensure_registered_here(uscc: str) -> None:
    """``NotPermitted`` naming the right authority for an enterprise registered elsewhere."""
    if not registered_in_qingdao(uscc):
        division = division_code_of(uscc)
        raise NotPermitted(
            f"统一社会信用代码显示企业登记机关所在行政区划为{division}，不在青岛市行政区域内，"
            f"不属于{CITY_CENTRE}受理范围。请向注册地人力资源社会保障部门"
            "（职业技能鉴定指导中心）备案。"
        )


def jurisdiction_view(affiliation: Affiliation | None) -> dict[str, Any]:
    """Where a filing of this 隶属关系 belongs, for the filing's views."""
    if affiliation is None:
        return {"affiliation": None, "filed_with": None, "note": "尚未填写隶属关系"}
    filed_with, note = _WHERE[affiliation]
    return {"affiliation": affiliation.value, "filed_with": filed_with, "note": note}
