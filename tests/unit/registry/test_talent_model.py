"""The talent record's rules: it only moves forward, and its public view hides the person."""

from __future__ import annotations

from skilleval_registry.talent import model
from support.registry_samples import (
    ID_NUMBER,
    certificate_corrected,
    certificate_issued,
    certificate_reissued,
    certificate_revoked,
    version_2,
)
from support.samples import USCC

ISSUED = certificate_issued()
NUMBER = ISSUED.certificate_number


def test_an_issued_certificate_is_valid_and_carries_its_row() -> None:
    record = model.issued({}, ISSUED)
    assert record["status"] == "valid"
    assert record["holder_name"] == "张三"
    assert record["row"]["certificate_number"] == NUMBER
    assert (record["year"], record["district"]) == (2026, USCC[2:8])  # the registering area


def test_version_2_of_an_issue_makes_the_same_record() -> None:
    assert model.issued({}, version_2(ISSUED)) == model.issued({}, ISSUED)
    corrected = model.corrected(model.issued({}, ISSUED), certificate_corrected(NUMBER, 1))
    assert model.issued(corrected, version_2(ISSUED)) == model.issued(corrected, ISSUED)


def test_revocation_is_final_whatever_comes_after() -> None:
    record = model.revoked(model.issued({}, ISSUED), certificate_revoked(NUMBER))
    assert record["status"] == "revoked"
    assert model.issued(record, ISSUED)["status"] == "revoked"
    assert model.reissued(record, certificate_reissued(NUMBER))["status"] == "revoked"


def test_a_reissue_counts_only_when_newer() -> None:
    second = model.reissued(model.issued({}, ISSUED), certificate_reissued(NUMBER, 2, "张三丰"))
    assert (second["status"], second["holder_name"], second["row"]["name"]) == (
        "reissued",
        "张三丰",
        "张三丰",
    )
    assert model.reissued(second, certificate_reissued(NUMBER, 1, "张三")) == second
    assert model.issued(second, ISSUED)["holder_name"] == "张三丰"


def test_the_person_key_ignores_width_and_spaces_but_not_the_name() -> None:
    key = model.person_key(ID_NUMBER, "张三")
    assert model.person_key("１１０１０５１９４９１２３１００２ｘ", " 张 三") == key
    assert model.person_key(ID_NUMBER, "张四") != key
    assert ID_NUMBER not in key


def test_holds_checks_the_name_and_the_id_number_when_given() -> None:
    record = model.issued({}, ISSUED)
    assert model.holds(record, name="张三")
    assert not model.holds(record, name="李四")
    assert model.holds(record, name="张三", id_number=ID_NUMBER.lower())
    assert not model.holds(record, name="张三", id_number="440524188001010014")
    assert not model.holds(model.revoked({}, certificate_revoked(NUMBER)), name="张三")


def test_the_public_view_masks_the_holder() -> None:
    view = model.public_view(NUMBER, model.issued({}, ISSUED))
    assert view["id_number"] == "1101**********002X"
    assert view["holder_name"] == "张*"
    assert (view["level_title"], view["status_title"]) == ("四级/中级工", "有效")
    text = str(view)
    assert ID_NUMBER not in text and "13800000000" not in text and "@" not in text


def test_a_correction_changes_the_printed_details_and_a_replayed_issue_keeps_them() -> None:
    fixed = model.corrected(
        model.issued({}, ISSUED),
        certificate_corrected(NUMBER, 1, id_no="440524188001010014"),
    )
    assert (fixed["id_number"], fixed["row"]["id_number"], fixed["status"]) == (
        "440524188001010014",
        "440524188001010014",
        "reissued",
    )
    assert model.issued(fixed, ISSUED) == fixed
    assert fixed["identities"] == [f"{ID_NUMBER}|张三", "440524188001010014|张三"]
