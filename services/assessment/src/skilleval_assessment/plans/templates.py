"""The default eligibility templates (申报条件, 2018-era and 2022-era) and evaluation schemes.

Conditions carry checkable criteria; one without criteria (e.g. 学徒期满) is met only when a
candidate claims it with evidence. Enterprises adopt, tighten or extend these per plan.
"""

from __future__ import annotations

from skilleval_shared.events.assessment_parts import (
    AssessmentMethod,
    ConditionCriteria,
    Education,
    EligibilityCondition,
    EligibilityTemplate,
    LevelScheme,
    ProfessionalTitle,
    ScoredComponent,
)

E = Education
SCHOOLS = (E.TECHNICAL_SCHOOL, E.SENIOR_TECHNICAL_SCHOOL, E.TECHNICIAN_COLLEGE)
DIPLOMAS = (*SCHOOLS, E.JUNIOR_COLLEGE, E.BACHELOR)
C = ConditionCriteria

_2018: tuple[tuple[int, str, ConditionCriteria], ...] = (
    (5, "累计从事本职业或相关职业工作满1年", C(min_years=1)),
    (5, "本职业或相关职业学徒期满", C()),
    (4, "取得本职业五级证书后，累计从事本职业工作满4年", C(certificate_level=5, min_years=4)),
    (4, "累计从事本职业或相关职业工作满6年", C(min_years=6)),
    (4, "技工学校或同等学历中等职业学校本专业毕业", C(educations=SCHOOLS)),
    (3, "取得四级证书后，累计从事本职业工作满5年", C(certificate_level=4, min_years=5)),
    (
        3,
        "取得四级证书，并具有高级技工学校、技师学院或同等学历毕业证书",
        C(certificate_level=4, educations=(E.SENIOR_TECHNICAL_SCHOOL, E.TECHNICIAN_COLLEGE)),
    ),
    (
        3,
        "具有大专及以上本专业毕业证书，取得四级证书后累计从事本职业工作满2年",
        C(certificate_level=4, educations=(E.JUNIOR_COLLEGE, E.BACHELOR), min_years=2),
    ),
    (2, "取得三级证书后，累计从事本职业工作满4年", C(certificate_level=3, min_years=4)),
    (
        2,
        "高级技工学校毕业并取得三级证书后，累计从事本职业工作满3年",
        C(certificate_level=3, educations=(E.SENIOR_TECHNICAL_SCHOOL,), min_years=3),
    ),
    (
        2,
        "技师学院毕业并取得预备技师证书后，累计从事本职业工作满2年",
        C(educations=(E.TECHNICIAN_COLLEGE,), min_years=2),
    ),
    (1, "取得二级证书后，累计从事本职业工作满4年", C(certificate_level=2, min_years=4)),
)

_2022: tuple[tuple[int, str, ConditionCriteria], ...] = (
    (5, "年满16周岁，拟从事或正在从事本职业", C(min_age=16)),
    (4, "累计从事本职业或相关职业工作满5年", C(min_years=5)),
    (4, "取得五级证书后，累计从事本职业工作满3年", C(certificate_level=5, min_years=3)),
    (4, "取得本专业或相关专业的技工院校或中等及以上职业院校毕业证书", C(educations=DIPLOMAS)),
    (3, "累计从事本职业或相关职业工作满10年", C(min_years=10)),
    (3, "取得四级证书后，累计从事本职业工作满4年", C(certificate_level=4, min_years=4)),
    (
        3,
        "取得初级职称后，从事本职业工作满1年",
        C(title=ProfessionalTitle.JUNIOR, min_years=1),
    ),
    (2, "取得三级证书后，累计从事本职业工作满5年", C(certificate_level=3, min_years=5)),
    (
        2,
        "取得中级职称后，从事本职业工作满1年",
        C(title=ProfessionalTitle.INTERMEDIATE, min_years=1),
    ),
    (1, "取得二级证书后，累计从事本职业工作满5年", C(certificate_level=2, min_years=5)),
)


def default_conditions(
    template: EligibilityTemplate, levels: frozenset[int]
) -> tuple[EligibilityCondition, ...]:
    """The template's conditions for ``levels``, with ids such as ``2018-4-2``."""
    rows = _2022 if template is EligibilityTemplate.NATIONAL_2022 else _2018
    numbered: list[EligibilityCondition] = []
    counts: dict[int, int] = {}
    for level, text, criteria in rows:
        counts[level] = counts.get(level, 0) + 1
        if level in levels:
            condition_id = f"{template.value}-{level}-{counts[level]}"
            numbered.append(
                EligibilityCondition(
                    condition_id=condition_id, level=level, text=text, criteria=criteria
                )
            )
    return tuple(numbered)


REVIEW = ScoredComponent(name="综合评审")
_COMPONENTS: dict[AssessmentMethod, tuple[ScoredComponent, ...]] = {
    AssessmentMethod.EXAMINATION: (
        ScoredComponent(name="理论知识"),
        ScoredComponent(name="操作技能"),
    ),
    AssessmentMethod.EXAMINATION_AND_REVIEW: (
        ScoredComponent(name="理论知识"),
        ScoredComponent(name="操作技能"),
        ScoredComponent(name="业绩评审"),
    ),
    AssessmentMethod.PROCESS: (ScoredComponent(name="过程化考核"),),
    AssessmentMethod.DIRECT_RECOGNITION: (),
}


def default_scheme(method: AssessmentMethod, level: int) -> LevelScheme | None:
    """Each component out of 100, 60 passes; levels 2 and 1 add 综合评审. None for 自定义."""
    if method not in _COMPONENTS:
        return None
    components = _COMPONENTS[method]
    if components and level <= 2:
        components = (*components, REVIEW)
    return LevelScheme(level=level, method=method, components=components)
