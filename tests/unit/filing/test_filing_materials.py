from __future__ import annotations

from skilleval_filing.filings.materials import MaterialKind, describe, missing_materials

REGULATION_LABELS = [
    "企业技能人才自主评价备案申请表",
    "企业技能人才自主评价工作方案（含自主评价结果兑现薪酬待遇方案）",
    "法人登记证书复印件",
    "企业技能人才自主评价人员申报条件和破格申报条件",
    "企业技能人才培养、评价、使用、激励等人力资源管理制度目录清单",
    "职业技能等级认定职业（工种）和标准目录清单（见附表）",
    "企业技能人才自主评价职业技能标准或评价规范",
    "企业技能人才自主评价职业（工种）培训大纲及教材目录清单",
    "企业技能人才自主评价职业（工种）题库或卷库目录清单",
    "企业技能人才自主评价职业（工种）评价的场地、设施设备配置及考评人员清单",
]


def test_there_are_the_ten_materials_of_annex_2_in_order() -> None:
    assert [kind.label for kind in MaterialKind] == REGULATION_LABELS
    assert [kind.number for kind in MaterialKind] == list(range(1, 11))


def test_nothing_uploaded_means_all_ten_are_missing() -> None:
    assert missing_materials([]) == list(MaterialKind)


def test_missing_materials_keeps_annex_order_whatever_the_upload_order() -> None:
    uploaded = [MaterialKind.QUESTION_BANKS, MaterialKind.APPLICATION_FORM, MaterialKind.HR_RULES]

    missing = missing_materials(uploaded)

    assert [kind.number for kind in missing] == [2, 3, 4, 6, 7, 8, 10]


def test_uploading_all_ten_leaves_nothing_missing() -> None:
    assert missing_materials(set(MaterialKind)) == []


def test_a_material_is_described_with_its_annex_number() -> None:
    assert describe(MaterialKind.LEGAL_PERSON_CERTIFICATE) == "3. 法人登记证书复印件"


def test_kinds_parse_from_their_stable_english_values() -> None:
    assert MaterialKind("work_plan") is MaterialKind.WORK_PLAN
