from __future__ import annotations

from datetime import date

from skilleval_certification.evaluations.model import person_key
from skilleval_certification.institutions.model import Entrustment, Scope, StatusChange
from skilleval_certification.rosters.validation import check_chunk, check_roster, with_outcome
from skilleval_shared.validation.id_number import IdType
from support.certification_samples import USCC, id_number, institution, plan, row

PLAN = "plan-1"


def messages(rows, **kwargs):
    checked = check_chunk(
        rows,
        institution=kwargs.pop("inst", institution()),
        held=kwargs.pop("held", set()),
        results=kwargs.pop("results", {}),
    )
    done = check_roster(
        checked,
        institution_uscc=USCC,
        plan_id=PLAN,
        plan=kwargs.pop("the_plan", plan(PLAN)),
        institution=kwargs.pop("roster_inst", institution()),
    )
    return {item.row.seq: [p.message for p in item.problems] for item in done}


def passed(*rows):
    return {
        person_key(r.id_type, r.id_number, r.occupation_code, r.level): {PLAN: True} for r in rows
    }


def test_a_good_row_passes() -> None:
    good = row(1)
    assert messages([good], results=passed(good)) == {1: []}


def test_bad_checksum_is_reported_in_chinese() -> None:
    bad = row(1, id_number=id_number(1)[:17] + ("0" if id_number(1)[17] != "0" else "1"))
    found = messages([bad], results=passed(bad))[1]
    assert any("校验位" in text for text in found)


def test_birth_date_and_sex_must_match_the_id() -> None:
    good = row(1)
    wrong = row(1, birth_date=date(1990, 1, 1), gender="女" if good.gender.value == "男" else "男")
    found = messages([wrong], results=passed(wrong))[1]
    assert any("出生日期与身份证号码不符" in text for text in found)
    assert any("性别与身份证号码不符" in text for text in found)


def test_other_id_types_skip_the_checksum() -> None:
    passport = row(1, id_type=IdType.PASSPORT, id_number="E12345678", birth_date=date(1990, 1, 1))
    assert messages([passport], results=passed(passport)) == {1: []}


def test_occupation_or_level_outside_the_catalog_fails() -> None:
    outside = row(1, level=2)
    assert any("职业目录" in m for m in messages([outside], results=passed(outside))[1])


def test_an_accepted_entrustment_covers_what_the_catalog_does_not() -> None:
    outside = row(1, occupation_code="4-01-02-03", work_type=None)
    entrusted = institution(
        entrustments=(
            Entrustment(
                entrustment_id="e1",
                client_uscc="91512081MA62K0260E",
                scope=(Scope(occupation_code="4-01-02-03", levels={4}),),
                valid_from=date(2026, 1, 1),
                valid_until=date(2026, 12, 31),
            ),
        )
    )
    assert messages([outside], inst=entrusted, results=passed(outside)) == {1: []}


def test_suspended_on_the_evaluation_date_fails_every_row() -> None:
    suspended = institution(
        history=(
            StatusChange(on=date(2025, 6, 1), status="filed"),
            StatusChange(on=date(2026, 2, 1), status="suspended"),
        )
    )
    rows = [row(1), row(2)]
    found = messages(rows, roster_inst=suspended, results=passed(*rows))
    assert all(any("暂停" in m for m in found[seq]) for seq in (1, 2))


def test_suspension_after_the_evaluation_date_does_not_matter() -> None:
    later = institution(
        history=(
            StatusChange(on=date(2025, 6, 1), status="filed"),
            StatusChange(on=date(2026, 4, 1), status="suspended"),
        )
    )
    good = row(1)
    assert messages([good], roster_inst=later, results=passed(good)) == {1: []}


def test_plan_must_be_accepted() -> None:
    good = row(1)
    found = messages([good], the_plan=plan(PLAN, status="submitted"), results=passed(good))
    assert any("未经审核同意" in m for m in found[1])


def test_person_needs_a_passing_result_under_this_plan() -> None:
    absent, failed, other_plan = row(1), row(2), row(3)
    results = {
        person_key(failed.id_type, failed.id_number, failed.occupation_code, 4): {PLAN: False},
        person_key(other_plan.id_type, other_plan.id_number, other_plan.occupation_code, 4): {
            "plan-2": True
        },
    }
    found = messages([absent, failed, other_plan], results=results)
    assert any("考生名单" in m for m in found[1])
    assert any("不合格" in m for m in found[2])
    assert any("考生名单" in m for m in found[3])


def test_duplicates_inside_the_roster_fail_after_the_first() -> None:
    first, again = row(1, n=7), row(2, n=7)
    found = messages([again, first], results=passed(first))
    assert found[1] == []
    assert any("与第1行重复" in m for m in found[2])


def test_a_valid_certificate_already_held_fails() -> None:
    held = row(1)
    key = person_key(held.id_type, held.id_number, held.occupation_code, held.level)
    assert any("已持有" in m for m in messages([held], held={key}, results=passed(held))[1])


def _entrusted(valid_from: date, valid_until: date):
    return institution(
        entrustments=(
            Entrustment(
                entrustment_id="e1",
                client_uscc="91512081MA62K0260E",
                scope=(Scope(occupation_code="4-01-02-03", levels={4}),),
                valid_from=valid_from,
                valid_until=valid_until,
            ),
        )
    )


def test_an_entrustment_not_valid_over_the_evaluation_period_fails() -> None:
    outside = row(1, occupation_code="4-01-02-03", work_type=None)
    for entrusted in (
        _entrusted(date(2024, 1, 1), date(2025, 12, 31)),  # expired before the evaluation
        _entrusted(date(2027, 1, 1), date(2027, 12, 31)),  # not yet in force
    ):
        found = messages([outside], inst=entrusted, roster_inst=entrusted, results=passed(outside))[
            1
        ]
        assert any("委托评价协议在评价期间" in m for m in found), found


def test_an_entrustment_valid_over_the_evaluation_period_passes() -> None:
    outside = row(1, occupation_code="4-01-02-03", work_type=None)
    entrusted = _entrusted(date(2026, 1, 1), date(2026, 12, 31))
    assert messages([outside], inst=entrusted, roster_inst=entrusted, results=passed(outside)) == {
        1: []
    }


def test_an_email_the_certificate_would_refuse_fails_the_row() -> None:
    bad = row(1, email="worker@localhost")
    assert "电子邮箱格式不正确" in messages([bad], results=passed(bad))[1]
    good = row(2, email="Worker2@Example.COM")
    assert messages([good], results=passed(good)) == {2: []}


def test_a_stored_outcome_of_failing_rows_or_of_every_row_reads_the_same() -> None:
    rows = [row(1), row(2), row(3)]
    passes = {
        person_key(r.id_type, r.id_number, r.occupation_code, r.level): {PLAN: True}
        for r in rows[:2]
    }
    checked = check_chunk(rows, institution=institution(), held=set(), results=passes)
    done = check_roster(
        checked, institution_uscc=USCC, plan_id=PLAN, plan=plan(PLAN), institution=institution()
    )
    assert [item.ok for item in done] == [True, True, False]  # no result for the third
    failing = [item.model_dump(mode="json") for item in done if not item.ok]
    every = [item.model_dump(mode="json") for item in done]
    # what another attempt stored stands, whatever this attempt found (here: every row passed)
    passed = [item.model_copy(update={"problems": ()}) for item in done]
    assert with_outcome(passed, failing) == with_outcome(passed, every) == done
    assert with_outcome(done, []) == passed


def test_rows_under_a_suspended_entrustment_fail_with_its_reason() -> None:
    outside = row(1, occupation_code="4-01-02-03", work_type=None)
    entrusted = _entrusted(date(2026, 1, 1), date(2026, 12, 31))
    held = entrusted.model_copy(
        update={
            "entrustments": tuple(
                e.model_copy(update={"suspended_reason": "委托方备案已失效"})
                for e in entrusted.entrustments
            )
        }
    )
    found = messages([outside], inst=held, roster_inst=held, results=passed(outside))[1]
    assert any("委托评价协议已中止（委托方备案已失效）" in m for m in found), found
