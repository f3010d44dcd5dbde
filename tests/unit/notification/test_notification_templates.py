"""Every email template renders real event data into a Chinese subject, text and HTML part."""

from __future__ import annotations

from pathlib import Path

import pytest

from skilleval_notification.messages.model import TEMPLATES, Audience, TemplateBook
from skilleval_shared.envelope import CloudEvent, wrap
from skilleval_shared.events import CATALOG, certification, registry
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
