"""附件2 企业技能人才自主评价备案材料: the ten files a filing must carry."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class MaterialKind(StrEnum):
    APPLICATION_FORM = "application_form"
    WORK_PLAN = "work_plan"
    LEGAL_PERSON_CERTIFICATE = "legal_person_certificate"
    APPLICATION_CONDITIONS = "application_conditions"
    HR_RULES = "hr_rules"
    OCCUPATION_CATALOG = "occupation_catalog"
    SKILL_STANDARDS = "skill_standards"
    TRAINING_SYLLABUS = "training_syllabus"
    QUESTION_BANKS = "question_banks"
    VENUES_AND_EXAMINERS = "venues_and_examiners"

    @property
    def number(self) -> int:
        """The item number in 附件2, 1 to 10."""
        return list(MaterialKind).index(self) + 1

    @property
    def label(self) -> str:
        return _LABELS[self]


# Verbatim from 附件2 of 青人社发〔2020〕7号, without the closing punctuation.
_LABELS = {
    MaterialKind.APPLICATION_FORM: "企业技能人才自主评价备案申请表",
    MaterialKind.WORK_PLAN: "企业技能人才自主评价工作方案（含自主评价结果兑现薪酬待遇方案）",
    MaterialKind.LEGAL_PERSON_CERTIFICATE: "法人登记证书复印件",
    MaterialKind.APPLICATION_CONDITIONS: "企业技能人才自主评价人员申报条件和破格申报条件",
    MaterialKind.HR_RULES: "企业技能人才培养、评价、使用、激励等人力资源管理制度目录清单",
    MaterialKind.OCCUPATION_CATALOG: "职业技能等级认定职业（工种）和标准目录清单（见附表）",
    MaterialKind.SKILL_STANDARDS: "企业技能人才自主评价职业技能标准或评价规范",
    MaterialKind.TRAINING_SYLLABUS: "企业技能人才自主评价职业（工种）培训大纲及教材目录清单",
    MaterialKind.QUESTION_BANKS: "企业技能人才自主评价职业（工种）题库或卷库目录清单",
    MaterialKind.VENUES_AND_EXAMINERS: (
        "企业技能人才自主评价职业（工种）评价的场地、设施设备配置及考评人员清单"
    ),
}


def missing_materials(uploaded_kinds: Iterable[MaterialKind]) -> list[MaterialKind]:
    """The materials not yet uploaded, in 附件2 order."""
    uploaded = set(uploaded_kinds)
    return [kind for kind in MaterialKind if kind not in uploaded]


def describe(kind: MaterialKind) -> str:
    """``6. 职业技能等级认定职业（工种）和标准目录清单（见附表）``, as numbered in 附件2."""
    return f"{kind.number}. {kind.label}"
