"""The fault tests' checks and stall measurement, on hand-made cases: each must pass a good
outcome and name what is wrong in a bad one (a check that cannot fail proves nothing)."""

from __future__ import annotations

from dataclasses import dataclass

from support.invariants import (
    Issued,
    Mail,
    agreement_problems,
    certificate_problems,
    count_mail,
    mail_problems,
    new_letters,
    number_problems,
    repeated_subject_problems,
)
from support.progress import Sample, reached_at, resumed_after, value_at

CODE, SERIAL, YEAR = "1234", "000042", 2026


def number(level: int, serial: int) -> str:
    return f"Y{CODE}37{SERIAL}26{level}{serial:06d}"


def roster(rows: int, *, first_serial: int = 1, level: int = 4) -> list[Issued]:
    return [
        Issued(number(level, first_serial + seq - 1), "r1", seq, level)
        for seq in range(1, rows + 1)
    ]


def checked_numbers(issued: list[Issued]) -> list[str]:
    return number_problems(issued, institution_code=CODE, institution_serial=SERIAL, year=YEAR)


def test_a_certificate_per_row_holds() -> None:
    assert certificate_problems("certification", range(1, 11), roster(10)) == []


def test_a_missing_a_doubled_and_a_stray_row_are_named() -> None:
    issued = roster(10)
    issued = [*issued[:3], *issued[4:], Issued(number(4, 11), "r1", 5, 4)]
    issued.append(Issued(number(4, 12), "r1", 99, 4))
    problems = certificate_problems("registry", range(1, 11), issued)
    assert len(problems) == 3, problems
    assert "1 rows without a certificate: 4" in problems[0]
    assert "several certificates: 5" in problems[1]
    assert "not approved: 99" in problems[2]


def test_issued_from_a_stored_record() -> None:
    record = {"_id": number(3, 7), "roster_id": "r9", "row": {"seq": 12}, "level": 3}
    assert Issued.from_record(record) == Issued(number(3, 7), "r9", 12, 3)


def test_numbers_of_one_block_per_level_hold() -> None:
    issued = roster(5, first_serial=101) + [
        Issued(number(5, s), "r1", 100 + s, 5) for s in range(1, 4)
    ]
    assert checked_numbers(issued) == []


def test_a_reused_number_is_named() -> None:
    issued = roster(3)
    issued.append(Issued(issued[0].number, "r2", 1, 4))
    problems = checked_numbers(issued)
    assert any("held by several rows" in p and issued[0].number in p for p in problems), problems


def test_a_gap_inside_a_levels_block_is_named() -> None:
    issued = [*roster(2), Issued(number(4, 5), "r1", 3, 4)]
    assert any("not one block" in p for p in checked_numbers(issued))


def test_numbers_against_the_rule() -> None:
    wrong_level = Issued(number(3, 1), "r1", 1, 4)
    other_institution = Issued(f"Y{CODE}37000043264000002", "r1", 2, 4)
    malformed = Issued("Y123437000042264", "r1", 3, 4)
    zero_serial = Issued(number(4, 0), "r1", 4, 4)
    problems = checked_numbers([wrong_level, other_institution, malformed, zero_serial])
    assert any("22-character" in p and malformed.number in p for p in problems), problems
    wrong = next(p for p in problems if "wrong institution" in p)
    for item in (wrong_level, other_institution, zero_serial):
        assert item.number in wrong


def test_the_registry_agrees_or_is_named() -> None:
    source = roster(4)
    assert agreement_problems(source, list(reversed(source))) == []
    moved = [source[0], Issued(source[1].number, "r1", 3, 4), Issued(number(4, 77), "r1", 9, 4)]
    problems = agreement_problems(source, moved)
    assert any("lacks 2" in p for p in problems), problems
    assert any("never issued" in p and number(4, 77) in p for p in problems), problems
    assert any("other rows" in p and source[1].number in p for p in problems), problems


def mail(message_id: str, to: str, subject: str = "您的职业技能等级证书已发放") -> Mail:
    return Mail(message_id, (to,), subject)


def test_every_holder_one_email() -> None:
    mails = [mail(f"<{n}@x>", f"w{n}@e.example") for n in range(3)]
    recipients = [f"w{n}@e.example" for n in range(3)]
    assert mail_problems(mails, recipients, subject_contains="证书") == []


def test_a_resend_under_the_same_message_id_counts_once_but_is_counted_as_a_copy() -> None:
    mails = [mail("<1@x>", "w1@e.example"), mail("<1@x>", "w1@e.example")]
    assert mail_problems(mails, ["w1@e.example"], subject_contains="证书") == []
    assert count_mail(mails).copies == 1


def test_a_missing_and_a_duplicated_email_are_named() -> None:
    mails = [mail("<1@x>", "W1@e.example"), mail("<2@x>", "w1@e.example")]
    mails.append(mail("<3@x>", "w2@e.example", subject="名册已通过审核"))
    problems = mail_problems(mails, ["w1@e.example", "w2@e.example"], subject_contains="证书")
    assert any("without" in p and "w2@e.example" in p for p in problems), problems
    assert any("several Message-IDs" in p and "w1@e.example" in p for p in problems), problems


def test_a_subject_twice_to_the_enterprise_is_named() -> None:
    mails = [
        mail("<1@x>", "hr@e.example", "名册已通过市级审核"),
        mail("<2@x>", "hr@e.example", "名册已通过市级审核"),
        mail("<3@x>", "hr@e.example", "证书已全部发放"),
        mail("<3@x>", "hr@e.example", "证书已全部发放"),
    ]
    problems = repeated_subject_problems(mails, "HR@e.example")
    assert problems == ["HR@e.example got “名册已通过市级审核” 2 times (distinct Message-IDs)"]


def test_mail_from_a_mailpit_summary() -> None:
    summary = {"MessageID": "<a@b>", "To": [{"Name": "", "Address": "W@E.example"}], "Subject": "s"}
    assert Mail.from_summary(summary) == Mail("<a@b>", ("w@e.example",), "s")


@dataclass(frozen=True)
class Letter:
    partition: int
    offset: int


def test_only_dead_letters_past_the_marks_are_new() -> None:
    letters = [Letter(0, 0), Letter(0, 1), Letter(1, 0), Letter(2, 5)]
    assert new_letters({0: 1, 1: 1, 2: 5}, letters) == [Letter(0, 1), Letter(2, 5)]
    assert new_letters({}, letters) == letters


def samples(*points: tuple[float, int]) -> list[Sample]:
    return [Sample(at, {"mailed": count}) for at, count in points]


def test_the_stall_is_the_time_from_the_fault_to_the_next_progress() -> None:
    timeline = samples((0, 10), (1, 20), (2, 20), (3, 20), (4.5, 20), (5, 21), (6, 30))
    assert value_at(timeline, "mailed", 2.5) == 20
    assert resumed_after(timeline, "mailed", 2.0) == 3.0
    assert resumed_after(timeline, "mailed", 5.5) == 0.5


def test_a_counter_that_never_moves_again_has_no_resume() -> None:
    timeline = samples((0, 10), (1, 20), (2, 20))
    assert resumed_after(timeline, "mailed", 1.5) is None
    assert resumed_after(timeline, "other", 0.5) is None


def test_completion_is_the_first_sample_at_the_target() -> None:
    timeline = samples((0, 10), (1, 20), (2, 30))
    assert reached_at(timeline, "mailed", 20) == 1
    assert reached_at(timeline, "mailed", 31) is None
