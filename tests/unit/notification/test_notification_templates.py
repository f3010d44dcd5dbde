"""Every email template renders real event data into a Chinese subject, text and HTML part."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from skilleval_notification.messages.model import TEMPLATES, Audience, TemplateBook, cn_date
from skilleval_shared.envelope import CloudEvent, wrap
from skilleval_shared.events import CATALOG, certification, filing, registry
from support import notification_samples as samples

BOOK = TemplateBook(certificate_lookup_url="https://zs.example.cn/c/{number}")
TYPES = sorted(BOOK.event_types)


def render(event: CloudEvent[object]):  # type: ignore[no-untyped-def]
    message = BOOK.render(event.type, {"event": event, "data": event.data})
    assert message is not None
    return message


def test_every_template_is_named_after_an_event_in_the_catalog() -> None:
    assert set(TYPES) <= set(CATALOG)
    assert {path.name for path in Path(TEMPLATES).glob("*.jinja")} - {
        f"{t}.jinja" for t in TYPES
    } == {"_layout.html.jinja"}


def test_every_template_has_a_sample_and_the_samples_cover_every_template() -> None:
    assert {cls.event_type() for cls in samples.payloads("x")} == set(TYPES)


@pytest.mark.parametrize("event_type", TYPES)
def test_each_template_renders_a_chinese_subject_text_and_html(event_type: str) -> None:
    message = render(samples.event_of_type(event_type, "t1"))
    assert message.audience
    assert message.subject and "\n" not in message.subject
    assert any("\u4e00" <= char <= "\u9fff" for char in message.subject)
    greeting = message.text.splitlines()[0]
    assert greeting.endswith("：") and "请勿直接回复" in message.text
    assert message.html.startswith("<!DOCTYPE html>") and greeting in message.html
    assert "{{" not in message.text + message.html


@pytest.mark.parametrize(
    ("event_type", "must_say"),
    [
        ("cn.skilleval.filing.filing.returned.v1", "破格申报条件缺少年限要求"),
        ("cn.skilleval.filing.filing.filed.v1", "QDZP-2026-000123"),
        ("cn.skilleval.filing.filing.institution-serial-recorded.v1", "370123"),
        ("cn.skilleval.filing.complaint.resolved.v1", "核实结论：不属实"),
        ("cn.skilleval.filing.notice.started.v1", "2026年1月16日"),
        ("cn.skilleval.filing.filing.suspended.v1", "2026年6月30日"),
        ("cn.skilleval.certification.roster.validated.v1", "317"),
        ("cn.skilleval.certification.certificate.issued.v1", "https://zs.example.cn/c/"),
        ("cn.skilleval.certification.certificate.issued.v1", "四级/中级工"),
        ("cn.skilleval.certification.certificate.issued.v2", "https://zs.example.cn/c/"),
        ("cn.skilleval.certification.certificate.issued.v2", "四级/中级工"),
        ("cn.skilleval.certification.certificate.issued.v2", "数控车工"),
        ("cn.skilleval.certification.roster.issued.v1", "10000"),
    ],
)
def test_the_details_that_matter_are_in_both_parts(event_type: str, must_say: str) -> None:
    message = render(samples.event_of_type(event_type, "t1"))
    assert must_say in message.text
    assert must_say in message.html


def test_a_filing_filed_before_its_serial_says_the_serial_is_pending() -> None:
    event = samples.event_of_type("cn.skilleval.filing.filing.filed.v1", "t1")
    pending = event.model_copy(
        update={"data": event.data.model_copy(update={"institution_serial": None})}
    )
    message = render(pending)
    assert "机构序号：待省职业技能鉴定指导中心分配" in message.text
    assert "None" not in message.text + message.html


def test_subjects_say_what_happened() -> None:
    filed = render(samples.event_of_type("cn.skilleval.filing.filing.filed.v1", "t1"))
    assert "备案完成" in filed.subject and "QDZP-2026-000123" in filed.subject
    validated = render(samples.event_of_type("cn.skilleval.certification.roster.validated.v1", "t"))
    assert "317 处错误" in validated.subject


def test_a_malicious_name_is_escaped_in_html_and_kept_as_text() -> None:
    data = samples.certificate_issued("t1", name=samples.MALICIOUS_NAME)
    message = render(wrap(data))
    assert "<script>" not in message.html
    assert "&lt;script&gt;" in message.html
    assert samples.MALICIOUS_NAME in message.text


def test_a_roster_that_passed_validation_also_tells_the_city_centre() -> None:
    payload = samples.payloads("t1")[certification.RosterValidated] | {
        "ok": True,
        "error_count": 0,
        "errors": (),
    }
    message = render(wrap(certification.RosterValidated.model_validate(payload)))
    assert message.audience == {Audience.ENTERPRISE, Audience.CITY_CENTER}
    assert "校验通过" in message.subject


def test_an_accepted_province_record_sends_nothing() -> None:
    payload = samples.payloads("t1")[registry.ProvinceSyncAcknowledged] | {"accepted": True}
    event = wrap(registry.ProvinceSyncAcknowledged.model_validate(payload))
    assert BOOK.render(event.type, {"event": event, "data": event.data}) is None


def test_an_event_without_a_template_sends_nothing() -> None:
    event = samples.event_of_type("cn.skilleval.filing.filing.filed.v1", "t1")
    assert BOOK.render("cn.skilleval.filing.notice.closed.v1", {"data": event.data}) is None


# The filing's later life: 继续备案, lapse, and what befalls an accepted entrustment.
LATER_LIFE = {
    "cn.skilleval.filing.filing.renewal-due.v1": (
        {Audience.ENTERPRISE},
        "请及时申请继续备案：自主评价备案有效期至 2029年1月19日",
        ["自 2028年11月20日 起可申请继续备案", "届满次日起失效", samples.USCC],
    ),
    "cn.skilleval.filing.filing.renewal-requested.v1": (
        {Audience.ENTERPRISE, Audience.CITY_CENTER},
        "继续备案申请已提交",
        ["2029年1月19日", "申请继续备案", "不因有效期届满而失效", "2026年5月8日"],
    ),
    "cn.skilleval.filing.filing.renewed.v1": (
        {Audience.ENTERPRISE},
        "继续备案已通过，备案有效期至 2032年1月19日",
        ["由 2029年1月19日 延续至 2032年1月19日", "2026年5月8日"],
    ),
    "cn.skilleval.filing.filing.renewal-refused.v1": (
        {Audience.ENTERPRISE},
        "继续备案申请未获同意",
        ["不予同意", "抽查发现考评人员不足，尚未整改到位", "现有效期届满时失效", "2026年5月8日"],
    ),
    "cn.skilleval.filing.filing.lapsed.v1": (
        {Audience.ENTERPRISE},
        "自主评价备案已失效：有效期至 2029年1月19日 届满",
        ["因未办理继续备案，备案自届满次日起失效", "重新提交备案申请", "委托评价协议同时中止"],
    ),
    "cn.skilleval.filing.entrustment.suspended.v1": (
        {Audience.ENTERPRISE, Audience.CLIENT},
        "委托评价协议已中止：青岛客户制造有限公司",
        ["自 2026年5月8日 起中止", "原因：委托方已暂停评价", samples.CLIENT_USCC, samples.USCC],
    ),
    "cn.skilleval.filing.entrustment.resumed.v1": (
        {Audience.ENTERPRISE, Audience.CLIENT},
        "委托评价协议已恢复：青岛客户制造有限公司",
        ["自 2026年6月1日 起恢复", "青岛客户制造有限公司", samples.USCC],
    ),
    "cn.skilleval.filing.entrustment.accepted.v1": (
        {Audience.ENTERPRISE, Audience.CLIENT},
        "委托评价协议已备案：青岛客户制造有限公司",
        [
            "2026年1月1日 至 2026年12月31日",
            "职业编码 6-18-01-01 数控车工：五级/初级工、四级/中级工",
        ],
    ),
    "cn.skilleval.filing.entrustment.rejected.v1": (
        {Audience.ENTERPRISE, Audience.CLIENT},
        "委托评价协议未予备案：青岛客户制造有限公司",
        ["原因：协议未盖章", samples.USCC],
    ),
}
# 2026-05-07 20:00 UTC is already 8 May in Qingdao: the email says the reader's day.
LATE_EVENING_UTC = datetime(2026, 5, 7, 20, 0, tzinfo=UTC)
# Whatever leaks from code into a reader's email: enum values, Python literals, field names.
LEAKS = re.compile(r"[A-Za-z_]{3,}|None|True|False")
# The HTML markup itself (tags and attributes), stripped before the checks.
TAGS = re.compile(r"<[^>]+>")


def later_life_event(event_type: str) -> CloudEvent[object]:
    event = samples.event_of_type(event_type, "t1")
    return event.model_copy(update={"time": LATE_EVENING_UTC})


@pytest.mark.parametrize("event_type", sorted(LATER_LIFE))
def test_the_later_life_of_a_filing_is_told_in_chinese_to_the_parties(event_type: str) -> None:
    audience, subject, must_say = LATER_LIFE[event_type]
    event = later_life_event(event_type)
    message = render(event)

    assert message.audience == audience
    assert message.subject.startswith(subject)
    shown = TAGS.sub("", message.html.split("<body", 1)[1].split(">", 1)[1])  # what one reads
    for fragment in must_say:
        assert fragment in message.text, fragment
        assert fragment in shown, fragment
    # Identifiers (USCC, filing and agreement ids) are quoted as they are; nothing else Latin.
    ids = [v for v in event.data.model_dump().values() if isinstance(v, str) and v.isascii()]
    for part in (message.subject, message.text, shown):
        for identifier in ids:
            part = part.replace(identifier, "")
        assert not LEAKS.findall(part), (event_type, LEAKS.findall(part))


def test_cn_date_gives_the_day_in_china_of_a_moment() -> None:
    assert cn_date(LATE_EVENING_UTC) == "2026年5月8日"
    assert cn_date(date(2029, 1, 19)) == "2029年1月19日"


def test_a_suspension_of_the_trustee_names_the_trustee() -> None:
    payload = samples.payloads("t1")[filing.EntrustmentSuspended] | {
        "party_uscc": samples.USCC,
        "reason": "受托方备案已失效",
    }
    message = render(wrap(filing.EntrustmentSuspended.model_validate(payload)))
    assert f"原因：受托方备案已失效（统一社会信用代码 {samples.USCC}）" in message.text


@pytest.mark.parametrize(
    "event_type",
    [
        "cn.skilleval.filing.entrustment.submitted.v1",
        "cn.skilleval.filing.entrustment.accepted.v1",
        "cn.skilleval.filing.entrustment.rejected.v1",
        "cn.skilleval.filing.entrustment.suspended.v1",
        "cn.skilleval.filing.entrustment.resumed.v1",
    ],
)
def test_an_entrustment_names_the_institution_when_the_contact_book_knows_it(
    event_type: str,
) -> None:
    event = samples.event_of_type(event_type, "t1")
    names = {samples.USCC: samples.ENTERPRISE_NAME}
    named = BOOK.render(event.type, {"event": event, "data": event.data, "names": names})
    unnamed = render(event)

    assert named is not None
    said = f"评价机构{samples.ENTERPRISE_NAME}（统一社会信用代码 {samples.USCC}）"
    assert said in named.text and said in named.html
    assert f"评价机构（统一社会信用代码 {samples.USCC}）" in unnamed.text


def test_a_renewal_request_names_the_enterprise_for_the_centre() -> None:
    event = samples.event_of_type("cn.skilleval.filing.filing.renewal-requested.v1", "t1")
    names = {samples.USCC: samples.ENTERPRISE_NAME}
    named = BOOK.render(event.type, {"event": event, "data": event.data, "names": names})

    assert named is not None
    assert f"{samples.ENTERPRISE_NAME}（统一社会信用代码 {samples.USCC}）于" in named.text
    assert f"企业（统一社会信用代码 {samples.USCC}）于" in render(event).text
