from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import BaseModel, ValidationError

from skilleval_shared.validation import (
    USCC,
    IdType,
    ResidentIdNumber,
    birth_date_of,
    division_code_of,
    mask_id_number,
    resident_id_check_char,
    sex_of,
    uscc_check_char,
    validate_id,
    validate_resident_id,
    validate_uscc,
)

PUBLISHED_USCCS = ["91350100M000100Y43", "91512081MA62K0260E", "11320000MB151840XJ"]


def with_check_char(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


# --- resident ID (GB 11643-1999) ---


def test_published_resident_id_is_valid() -> None:
    assert validate_resident_id("11010519491231002X") == "11010519491231002X"


def test_standard_example_from_1880_has_a_correct_check_char() -> None:
    assert resident_id_check_char("44052418800101001") == "4"
    assert validate_resident_id("440524188001010014") == "440524188001010014"


def test_birth_before_the_floor_is_rejected() -> None:
    with pytest.raises(ValueError, match="早于1900年"):
        validate_resident_id("440524188001010014", earliest_birth_year=1900)


def test_lowercase_x_and_spaces_are_normalised() -> None:
    assert validate_resident_id(" 110105 19491231 002x ") == "11010519491231002X"


@pytest.mark.parametrize("wrong", ["110105194912310021", "440524188001010015"])
def test_wrong_check_char_is_rejected(wrong: str) -> None:
    with pytest.raises(ValueError, match="身份证号码校验位错误"):
        validate_resident_id(wrong, earliest_birth_year=1800)


@pytest.mark.parametrize(
    "value", ["", "11010519491231002", "11010519491231002X1", "110105491231002"]
)
def test_wrong_length_is_rejected(value: str) -> None:
    with pytest.raises(ValueError, match="18位"):
        validate_resident_id(value)


def test_full_width_input_is_folded_to_ascii() -> None:
    assert validate_resident_id("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"


@pytest.mark.parametrize(
    "value", ["1101051949123100XX", "11010519491231A02X", "11010519491231002٣"]
)
def test_bad_characters_are_rejected(value: str) -> None:
    with pytest.raises(ValueError, match="只能由数字组成"):
        validate_resident_id(value)


@pytest.mark.parametrize("first17", ["11010519490230002", "11010519491301002", "11010519490000002"])
def test_impossible_birth_date_is_rejected(first17: str) -> None:
    with pytest.raises(ValueError, match="出生日期无效"):
        validate_resident_id(with_check_char(first17))


def test_future_birth_date_is_rejected() -> None:
    tomorrow = date.today() + timedelta(days=1)
    with pytest.raises(ValueError, match="晚于今天"):
        validate_resident_id(with_check_char(f"110105{tomorrow:%Y%m%d}002"))


def test_birth_date_and_sex() -> None:
    assert birth_date_of("11010519491231002X") == date(1949, 12, 31)
    assert sex_of("11010519491231002X") == "女"
    assert sex_of(with_check_char("37020219900101001")) == "男"


def test_validate_id_checks_resident_ids_only() -> None:
    assert validate_id(IdType.RESIDENT_ID, "11010519491231002x") == "11010519491231002X"
    with pytest.raises(ValueError, match="校验位"):
        validate_id("居民身份证", "110105194912310021")
    assert validate_id(IdType.PASSPORT, " e1234 5678 ") == "E12345678"
    assert validate_id(IdType.HONG_KONG_MACAO_PERMIT, "H1234567(8)") == "H1234567(8)"


@pytest.mark.parametrize("value", ["E123", "E" * 31, "E1234567!", "护照12345"])
def test_other_ids_need_a_sane_shape(value: str) -> None:
    with pytest.raises(ValueError, match="证件号码"):
        validate_id(IdType.PASSPORT, value)


def test_id_type_values_are_the_chinese_names() -> None:
    assert [member.value for member in IdType] == [
        "居民身份证",
        "护照",
        "港澳居民来往内地通行证",
        "台湾居民来往大陆通行证",
        "港澳台居民居住证",
        "外国人永久居留身份证",
    ]


def test_mask_resident_id_keeps_four_at_each_end() -> None:
    assert mask_id_number("37020219900101123x") == "3702**********123X"


@pytest.mark.parametrize("value", ["E12345678", "AB12345", "H1234567(8)", "A1234", "X" * 30])
def test_mask_other_ids_hides_at_least_half(value: str) -> None:
    masked = mask_id_number(value)
    assert len(masked) == len(value)
    assert masked.count("*") * 2 >= len(value)
    assert masked[0] == value[0]


# --- USCC (GB 32100-2015) ---


@pytest.mark.parametrize("code", PUBLISHED_USCCS)
def test_published_usccs_are_valid(code: str) -> None:
    assert validate_uscc(code) == code
    assert uscc_check_char(code[:17]) == code[17]


def test_uscc_is_upper_cased_and_stripped() -> None:
    assert validate_uscc(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert validate_uscc("9135 0100 M000 100Y 43") == "91350100M000100Y43"


@pytest.mark.parametrize("code", ["91350100M000100Y44", "91512081MA62K0260F", "11320000MB151840X0"])
def test_uscc_with_wrong_check_char_is_rejected(code: str) -> None:
    with pytest.raises(ValueError, match="统一社会信用代码校验位错误"):
        validate_uscc(code)


@pytest.mark.parametrize("code", ["", "91350100M000100Y4", "91350100M000100Y433"])
def test_uscc_with_wrong_length_is_rejected(code: str) -> None:
    with pytest.raises(ValueError, match="18位"):
        validate_uscc(code)


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_uscc_rejects_letters_outside_the_alphabet(letter: str) -> None:
    with pytest.raises(ValueError, match="非法字符"):
        validate_uscc(f"91350100M000100{letter}43")


def test_uscc_division_code() -> None:
    assert division_code_of("91350100M000100Y43") == "350100"
    assert division_code_of("11320000mb151840xj") == "320000"
    with pytest.raises(ValueError, match="行政区划码"):
        validate_uscc(with_uscc_check("91AB0100M000100Y4"))


def with_uscc_check(first17: str) -> str:
    return first17 + uscc_check_char(first17)


def test_uscc_check_char_of_zero_remainder_is_zero() -> None:
    # Find a body whose weighted sum is divisible by 31: its check character must be "0".
    for last in "0123456789ABCDEFGHJKLMNPQRTUWXY":
        body = f"9137020000000000{last}"
        if uscc_check_char(body) == "0":
            assert validate_uscc(body + "0") == body + "0"
            return
    pytest.fail("no body with check character 0 found")


# --- pydantic types ---


class Holder(BaseModel):
    uscc: USCC
    id_number: ResidentIdNumber


def test_annotated_types_normalise() -> None:
    holder = Holder(uscc="91512081ma62k0260e", id_number="11010519491231002x")
    assert holder.uscc == "91512081MA62K0260E"
    assert holder.id_number == "11010519491231002X"


def test_annotated_types_keep_the_chinese_message() -> None:
    with pytest.raises(ValidationError) as caught:
        Holder(uscc="91350100M000100Y44", id_number="110105194912310021")
    messages = {error["loc"][0]: str(error["ctx"]["error"]) for error in caught.value.errors()}
    assert messages == {"uscc": "统一社会信用代码校验位错误", "id_number": "身份证号码校验位错误"}
