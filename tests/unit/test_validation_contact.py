from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from skilleval_shared.validation import (
    Email,
    Mobile,
    Phone,
    mask_email,
    mask_name,
    mask_phone,
    validate_email,
    validate_landline,
    validate_mobile,
    validate_phone,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        (" 138 0013 8000 ", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("008619912345678", "19912345678"),
        ("１３８００１３８０００", "13800138000"),
    ],
)
def test_mobile_numbers_are_normalised(raw: str, expected: str) -> None:
    assert validate_mobile(raw) == expected


@pytest.mark.parametrize(
    "raw", ["12800138000", "1380013800", "138001380001", "+8512800138000", "1380013800a", ""]
)
def test_invalid_mobile_numbers_are_rejected(raw: str) -> None:
    with pytest.raises(ValueError, match="手机号码格式不正确"):
        validate_mobile(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0532-85845299", "0532-85845299"),
        ("053285845299", "0532-85845299"),
        ("(0532)85845299", "0532-85845299"),
        ("010-12345678", "010-12345678"),
        ("01012345678", "010-12345678"),
        ("021 6123 4567", "021-61234567"),
        ("0532-8584529", "0532-8584529"),
        ("0532-85845299-123", "0532-85845299-123"),
        ("0532-85845299转8001", "0532-85845299-8001"),
    ],
)
def test_landlines_are_normalised(raw: str, expected: str) -> None:
    assert validate_landline(raw) == expected


@pytest.mark.parametrize(
    "raw", ["85845299", "532-85845299", "0532-858452", "0532-858452991", "0532-05845299"]
)
def test_invalid_landlines_are_rejected(raw: str) -> None:
    with pytest.raises(ValueError, match="固定电话格式不正确"):
        validate_landline(raw)


def test_phone_accepts_mobile_or_landline() -> None:
    assert validate_phone("+86 13800138000") == "13800138000"
    assert validate_phone("0532 85845299") == "0532-85845299"
    with pytest.raises(ValueError, match="联系电话格式不正确"):
        validate_phone("12345")


def test_email_is_normalised_without_dns() -> None:
    assert validate_email(" Zhang.San@Example.COM ") == "Zhang.San@example.com"
    assert validate_email("hr@no-such-domain-for-tests.cn") == "hr@no-such-domain-for-tests.cn"


@pytest.mark.parametrize(
    "raw", ["", "zhangsan", "zhangsan@", "@example.com", "a b@example.com", "a@b"]
)
def test_invalid_email_is_rejected(raw: str) -> None:
    with pytest.raises(ValueError, match="电子邮箱格式不正确"):
        validate_email(raw)


def test_masks() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138 1234 5678") == "138****5678"
    assert mask_phone("0532-85845299") == "0532-****5299"
    assert mask_email("zhangsan@example.com") == "z***@example.com"
    assert mask_email("z@example.com") == "z***@example.com"
    assert mask_email("not-an-email") == "***"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name("张") == "*"
    assert mask_name("") == ""


def test_unparseable_phone_is_still_mostly_hidden() -> None:
    masked = mask_phone("12345678")
    assert masked.count("*") >= 4


class Contact(BaseModel):
    phone: Phone
    mobile: Mobile
    email: Email


def test_annotated_contact_types() -> None:
    contact = Contact(phone="053285845299", mobile="+86 13800138000", email="HR@Example.com")
    assert contact.model_dump() == {
        "phone": "0532-85845299",
        "mobile": "13800138000",
        "email": "HR@example.com",
    }
    with pytest.raises(ValidationError) as caught:
        Contact(phone="1", mobile="0532-85845299", email="x")
    assert [str(error["ctx"]["error"]) for error in caught.value.errors()] == [
        "联系电话格式不正确，应为11位手机号码或带区号的固定电话",
        "手机号码格式不正确，应为11位数字且以13至19开头",
        "电子邮箱格式不正确",
    ]
