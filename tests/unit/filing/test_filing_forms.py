from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from skilleval_filing.filings.application import (
    ApplicationDraft,
    EnterpriseNature,
    FilingApplication,
    complete_application,
    missing_fields,
)
from skilleval_shared.domain_errors import InvalidRequest
from support.filing_samples import USCC, application_fields, complete_draft

ALL_LABELS = [
    "填报人",
    "填报人联系电话",
    "企业名称",
    "地址",
    "注册登记机构",
    "统一社会信用代码",
    "企业性质",
    "隶属关系",
    "业务范围",
    "负责人",
    "负责人职务",
    "负责人电话",
    "企业电子邮箱",
    "联系人",
    "联系人职务",
    "联系人电话",
    "联系人手机",
    "企业基本情况、技能人才状况、职工教育经费提取使用、人力资源管理建设及评价、"
    "结果与薪酬待遇挂钩等情况",
    "场地设备情况",
    "专职人员和考评人员情况",
    "法人代表签字",
    "承诺日期",
    "法人代表承诺确认",
]


def test_an_empty_draft_misses_every_field_in_form_order() -> None:
    assert missing_fields(ApplicationDraft()) == ALL_LABELS


def test_a_complete_draft_misses_nothing_and_becomes_an_application() -> None:
    draft = complete_draft()

    assert missing_fields(draft) == []
    application = complete_application(draft)
    assert application.uscc == USCC
    assert application.nature is EnterpriseNature.PRIVATE
    assert application.contact.mobile == "13800138000"


def test_nested_fields_are_named_by_their_own_label() -> None:
    contact = {"name": "李娜", "position": "经理", "phone": "0532-85845201"}
    draft = complete_draft(contact=contact, address=None)

    assert missing_fields(draft) == ["地址", "联系人手机"]


def test_blank_text_counts_as_missing() -> None:
    draft = complete_draft(business_scope="   ", venues_and_equipment="")

    assert missing_fields(draft) == ["业务范围", "场地设备情况"]


def test_an_unconfirmed_commitment_is_missing_the_confirmation() -> None:
    commitment = {"signatory": "张伟", "signed_on": date(2026, 3, 2), "confirmed": False}

    assert missing_fields(complete_draft(commitment=commitment)) == ["法人代表承诺确认"]


def test_completing_an_incomplete_draft_names_what_is_missing() -> None:
    with pytest.raises(InvalidRequest) as caught:
        complete_application(complete_draft(email=None, nature=None))

    assert caught.value.message == "备案申请表尚未填写完整，缺少：企业性质、企业电子邮箱"


def test_a_draft_rejects_a_present_but_invalid_uscc() -> None:
    with pytest.raises(ValidationError, match="统一社会信用代码校验位错误"):
        complete_draft(uscc="91350100M000100Y44")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "电子邮箱格式不正确"),
        ("form_filler_phone", "12345", "联系电话格式不正确"),
        ("enterprise_name", "x" * 101, "不能超过100个字"),
        ("address", "第一行\n第二行", "应为单行文字"),
        ("nature", "集体", "国有"),
    ],
)
def test_a_draft_validates_what_is_present(field: str, value: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        complete_draft(**{field: value})


def test_a_contact_mobile_must_be_a_mobile_number() -> None:
    contact = application_fields()["contact"] | {"mobile": "0532-85845201"}

    with pytest.raises(ValidationError, match="手机号码格式不正确"):
        complete_draft(contact=contact)


def test_the_application_refuses_an_unconfirmed_commitment() -> None:
    fields = application_fields()
    fields["commitment"] = fields["commitment"] | {"confirmed": False}

    with pytest.raises(ValidationError, match="法人代表须承诺"):
        FilingApplication.model_validate(fields)


def test_enterprise_nature_offers_the_five_boxes_of_the_form() -> None:
    assert [nature.value for nature in EnterpriseNature] == [
        "国有",
        "民营",
        "混合制",
        "外企",
        "其他",
    ]


def test_a_draft_round_trips_through_json() -> None:
    draft = complete_draft(address=None)

    assert ApplicationDraft.model_validate_json(draft.model_dump_json()) == draft


def test_a_null_section_of_a_draft_counts_as_all_of_it_missing() -> None:
    draft = ApplicationDraft.model_validate(application_fields(principal=None, commitment=None))

    assert missing_fields(draft) == [
        "负责人",
        "负责人职务",
        "负责人电话",
        "法人代表签字",
        "承诺日期",
        "法人代表承诺确认",
    ]


def test_the_draft_schema_says_a_blank_field_is_accepted() -> None:
    """The API takes a blank string for any draft field as "not filled in"; its OpenAPI schema
    must say so, or a client (and schemathesis) rightly reads the 200 as accepting bad data."""
    import jsonschema_rs

    cleared = {"business_scope": "", "principal": " ", "commitment": {"confirmed": ""}}
    schema = ApplicationDraft.model_json_schema()
    assert jsonschema_rs.validator_for(schema).is_valid(cleared)
    assert missing_fields(ApplicationDraft.model_validate(cleared)) == ALL_LABELS
    assert not jsonschema_rs.validator_for(schema).is_valid({"business_scope": 7})
