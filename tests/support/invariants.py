"""What must hold after any fault, as pure checks over what was read back from the system.

Each check returns a list of problems in plain words (empty: it holds). The fault tests read
certification's and registry's certificate records, Mailpit's messages and the dead letters, and
hand them here; the unit tests feed these checks hand-made cases, good and bad.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# 职业技能等级证书编码: category, ministry institution code, province, institution serial, year,
# level, serial (certification's numbering/model.py writes it).
NUMBER = re.compile(
    r"^(?P<category>[YS])(?P<code>\d{4})(?P<province>\d{2})(?P<institution>\d{6})"
    r"(?P<year>\d{2})(?P<level>[1-5])(?P<serial>\d{6})$"
)
SHOWN = 5  # examples named per problem; the count says the rest


@dataclass(frozen=True)
class Issued:
    """One certificate record as a service holds it: its number and the roster row it is for."""

    number: str
    roster_id: str
    seq: int
    level: int

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Issued:
        """From certification's ``certificates`` or registry's ``certificates`` document (a
        certification record stored since the row-once change keeps the level in its row)."""
        row = record["row"]
        return cls(
            number=str(record["_id"]),
            roster_id=str(record["roster_id"]),
            seq=int(row["seq"]),
            level=int(record["level"] if "level" in record else row["level"]),
        )


@dataclass(frozen=True)
class Mail:
    """One message in the SMTP sink, as Mailpit's API lists it."""

    message_id: str
    to: tuple[str, ...]
    subject: str

    @classmethod
    def from_summary(cls, summary: Mapping[str, Any]) -> Mail:
        return cls(
            message_id=str(summary.get("MessageID") or ""),
            to=tuple(str(to["Address"]).casefold() for to in summary.get("To") or ()),
            subject=str(summary.get("Subject") or ""),
        )


def _some(items: Iterable[Any]) -> str:
    listed = list(items)
    shown = ", ".join(map(str, listed[:SHOWN]))
    return shown + (f" … ({len(listed)} in all)" if len(listed) > SHOWN else "")


def certificate_problems(
    where: str, expected_seqs: Collection[int], issued: Sequence[Issued]
) -> list[str]:
    """Every expected roster row (序号) has exactly one certificate, and no other row has one."""
    per_row = Counter(item.seq for item in issued)
    expected = set(expected_seqs)
    problems = []
    if missing := sorted(expected - per_row.keys()):
        problems.append(f"{where}: {len(missing)} rows without a certificate: {_some(missing)}")
    if doubled := sorted(seq for seq, count in per_row.items() if count > 1):
        problems.append(f"{where}: {len(doubled)} rows with several certificates: {_some(doubled)}")
    if stray := sorted(per_row.keys() - expected):
        problems.append(f"{where}: certificates for rows not approved: {_some(stray)}")
    return problems


def number_problems(
    issued: Sequence[Issued], *, institution_code: str, institution_serial: str, year: int
) -> list[str]:
    """Numbers unique, written by the rule, carrying the institution, year and row's level; and
    each level's serials one contiguous block (a roster takes one block per level: a gap inside
    it means a row's number was drawn twice)."""
    problems = []
    if reused := sorted(n for n, count in Counter(i.number for i in issued).items() if count > 1):
        problems.append(f"numbers held by several rows: {_some(reused)}")
    malformed, wrong = [], []
    serials: dict[int, list[int]] = defaultdict(list)
    for item in issued:
        match = NUMBER.match(item.number)
        if match is None:
            malformed.append(item.number)
            continue
        if (
            match["code"] != institution_code
            or match["institution"] != institution_serial
            or int(match["year"]) != year % 100
            or int(match["level"]) != item.level
            or int(match["serial"]) == 0
        ):
            wrong.append(item.number)
        serials[item.level].append(int(match["serial"]))
    if malformed:
        problems.append(f"numbers not in the 22-character format: {_some(malformed)}")
    if wrong:
        problems.append(f"numbers with the wrong institution, year or level: {_some(wrong)}")
    for level, drawn in sorted(serials.items()):
        distinct = sorted(set(drawn))
        if distinct and distinct[-1] - distinct[0] + 1 != len(distinct):
            problems.append(
                f"level {level}: serials {distinct[0]}–{distinct[-1]} are not one block "
                f"({len(distinct)} numbers)"
            )
    return problems


def agreement_problems(source: Sequence[Issued], copy: Sequence[Issued]) -> list[str]:
    """The registry holds the same numbers, each for the same roster row, as certification."""
    theirs = {item.number: (item.roster_id, item.seq) for item in copy}
    ours = {item.number: (item.roster_id, item.seq) for item in source}
    problems = []
    if absent := sorted(ours.keys() - theirs.keys()):
        problems.append(f"registry lacks {len(absent)} certificates: {_some(absent)}")
    if extra := sorted(theirs.keys() - ours.keys()):
        problems.append(f"registry holds numbers certification never issued: {_some(extra)}")
    if moved := sorted(n for n in ours.keys() & theirs.keys() if ours[n] != theirs[n]):
        problems.append(f"registry has numbers on other rows than certification: {_some(moved)}")
    return problems


@dataclass(frozen=True)
class MailCount:
    """Distinct emails (by Message-ID) per recipient, and the extra copies of one Message-ID
    (a resend after a crash between SMTP acceptance and its record: the same email again)."""

    distinct: dict[str, int]
    copies: int


def count_mail(mails: Iterable[Mail], *, subject_contains: str = "") -> MailCount:
    chosen = [mail for mail in mails if subject_contains in mail.subject]
    ids: dict[str, set[str]] = defaultdict(set)
    seen = Counter(mail.message_id for mail in chosen)
    for mail in chosen:
        for address in mail.to:
            ids[address.casefold()].add(mail.message_id)
    return MailCount({a: len(found) for a, found in ids.items()}, sum(seen.values()) - len(seen))


def mail_problems(
    mails: Sequence[Mail], recipients: Collection[str], *, subject_contains: str
) -> list[str]:
    """Each recipient got exactly one email (one Message-ID) whose subject says what it is."""
    counted = count_mail(mails, subject_contains=subject_contains).distinct
    wanted = {address.casefold() for address in recipients}
    problems = []
    if missing := sorted(a for a in wanted if counted.get(a, 0) == 0):
        problems.append(f"{len(missing)} without the “{subject_contains}” email: {_some(missing)}")
    if doubled := sorted(a for a in wanted if counted.get(a, 0) > 1):
        problems.append(
            f"{len(doubled)} got the “{subject_contains}” email under several Message-IDs: "
            f"{_some(doubled)}"
        )
    return problems


def repeated_subject_problems(mails: Sequence[Mail], address: str) -> list[str]:
    """One event is one email: the same subject to one address under two Message-IDs is a
    duplicate (the enterprise's roster mails: validated, approved, issued, one of each)."""
    ids: dict[str, set[str]] = defaultdict(set)
    for mail in mails:
        if address.casefold() in (to.casefold() for to in mail.to):
            ids[mail.subject].add(mail.message_id)
    return [
        f"{address} got “{subject}” {len(found)} times (distinct Message-IDs)"
        for subject, found in sorted(ids.items())
        if len(found) > 1
    ]


def new_letters(marks: Mapping[int, int], letters: Iterable[Any]) -> list[Any]:
    """The dead letters past the end offsets noted before the scenario (per DLQ partition)."""
    return [letter for letter in letters if letter.offset >= marks.get(letter.partition, 0)]
