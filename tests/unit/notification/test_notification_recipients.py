"""Recipient rules: each audience resolves to the right address, from the event or the contacts."""

from __future__ import annotations

import pytest

from skilleval_notification.contacts.model import (
    Mailboxes,
    contact_updates,
    enterprise_names,
    named_keys,
    needed_keys,
    owner_uscc,
    resolve,
)
from skilleval_notification.messages.model import Audience, TemplateBook
from skilleval_shared.envelope import wrap
from skilleval_shared.events import certification, filing
from support import notification_samples as samples

TAG = "r1"
MAIL = samples.addresses(TAG)
BOXES = Mailboxes(MAIL.city_center, MAIL.province_center)
BOOK = TemplateBook(certificate_lookup_url="https://zs.example.cn/c/{number}")


def recipients(event_type: str, known: dict[str, dict[str, str]] | None = None) -> set[str]:
    event = samples.event_of_type(event_type, TAG)
    message = BOOK.render(event.type, {"event": event, "data": event.data})
    assert message is not None
    contacts = samples.known_contacts(TAG) if known is None else known
    return set(resolve(message.audience, event.data, contacts, BOXES))


EXPECTED = {
    "filing.filing.submitted": {MAIL.enterprise, MAIL.city_center},
    "filing.filing.returned": {MAIL.enterprise},
    "filing.filing.filed": {MAIL.enterprise, MAIL.city_center},
    "filing.filing.institution-serial-recorded": {MAIL.enterprise, MAIL.city_center},
    "filing.objection.raised": {MAIL.enterprise, MAIL.city_center, MAIL.objector},
    "filing.objection.upheld": {MAIL.enterprise, MAIL.objector},
    "filing.complaint.resolved": {MAIL.complainant},
    "filing.entrustment.accepted": {MAIL.enterprise, MAIL.client},
    "filing.entrustment.rejected": {MAIL.enterprise, MAIL.client},
    "filing.entrustment.suspended": {MAIL.enterprise, MAIL.client},
    "filing.entrustment.resumed": {MAIL.enterprise, MAIL.client},
    "filing.filing.renewal-due": {MAIL.enterprise},
    "filing.filing.renewal-requested": {MAIL.enterprise, MAIL.city_center},
    "filing.filing.renewed": {MAIL.enterprise},
    "filing.filing.renewal-refused": {MAIL.enterprise},
    "filing.filing.lapsed": {MAIL.enterprise},
    "assessment.plan.submitted": {MAIL.city_center},
    "assessment.plan.accepted": {MAIL.enterprise},
    "certification.roster.city-approved": {MAIL.enterprise, MAIL.province_center},
    "certification.roster.province-rejected": {MAIL.enterprise, MAIL.city_center},
    "certification.roster.issued": {MAIL.enterprise},
    "certification.certificate.issued": {MAIL.holder},
    "certification.certificate.revoked": {MAIL.holder},
    "province.sync.acknowledged": {MAIL.city_center},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_event_reaches_its_parties(name: str) -> None:
    assert recipients(f"cn.skilleval.{name}.v1") == EXPECTED[name]


def test_addresses_the_event_carries_need_no_contact_book() -> None:
    assert recipients("cn.skilleval.filing.filing.filed.v1", known={}) == {
        MAIL.enterprise,
        MAIL.city_center,
    }
    assert recipients("cn.skilleval.certification.certificate.issued.v1", known={}) == {MAIL.holder}
    assert recipients("cn.skilleval.certification.certificate.issued.v2", known={}) == {MAIL.holder}


def test_who_left_no_address_gets_no_mail() -> None:
    assert recipients("cn.skilleval.filing.objection.upheld.v1", known={}) == set()
    assert recipients("cn.skilleval.certification.certificate.revoked.v1", known={}) == set()


def test_a_holder_without_holder_email_is_reached_through_the_roster_row() -> None:
    data = samples.certificate_issued(TAG).model_copy(update={"holder_email": None})
    assert set(resolve({Audience.HOLDER}, data, {}, BOXES)) == {MAIL.holder}


def test_one_address_in_two_roles_gets_one_mail() -> None:
    boxes = Mailboxes(MAIL.enterprise.upper(), MAIL.province_center)
    event = samples.event_of_type("cn.skilleval.filing.filing.filed.v1", TAG)
    found = resolve({Audience.ENTERPRISE, Audience.CITY_CENTER}, event.data, {}, boxes)
    assert len(found) == 1


def test_events_that_leave_addresses_update_the_contact_book() -> None:
    objection = samples.event_of_type("cn.skilleval.filing.objection.raised.v1", TAG).data
    assert contact_updates(objection) == [(f"objection:obj-{TAG}", {"email": MAIL.objector})]
    issued = samples.certificate_issued(TAG)
    assert contact_updates(issued) == [
        (
            f"certificate:{issued.certificate_number}",
            {"email": MAIL.holder, "institution_uscc": samples.USCC},
        )
    ]
    issued_v2 = samples.certificate_issued_v2(TAG)
    assert contact_updates(issued_v2) == contact_updates(issued)
    registered = samples.event_of_type("cn.skilleval.filing.enterprise.registered.v1", TAG).data
    assert contact_updates(registered)[0][1]["email"] == MAIL.enterprise


def test_a_certificate_event_belongs_to_its_institution() -> None:
    revoked = samples.event_of_type("cn.skilleval.certification.certificate.revoked.v1", TAG)
    assert owner_uscc(revoked.data, {}) == samples.USCC
    ack = samples.event_of_type("cn.skilleval.province.sync.acknowledged.v1", TAG).data
    assert owner_uscc(ack, samples.known_contacts(TAG)) == samples.USCC
    assert f"certificate:{samples.CERTIFICATE}" in needed_keys({Audience.CITY_CENTER}, ack)


def test_an_objection_without_address_is_not_acknowledged() -> None:
    payload = samples.payloads(TAG)[filing.ObjectionRaised] | {"contact_email": None}
    event = wrap(filing.ObjectionRaised.model_validate(payload))
    message = BOOK.render(event.type, {"event": event, "data": event.data})
    assert message is not None and Audience.OBJECTOR not in message.audience


def test_reissue_updates_the_holder_address() -> None:
    payload = samples.payloads(TAG)[certification.CertificateReissued]
    data = certification.CertificateReissued.model_validate(payload | {"holder_email": "n@x.cn"})
    assert contact_updates(data) == [(f"certificate:{samples.CERTIFICATE}", {"email": "n@x.cn"})]


def test_an_entrustment_names_both_parties_the_contact_book_knows() -> None:
    event = samples.event_of_type("cn.skilleval.filing.entrustment.suspended.v1", TAG)
    keys = named_keys(event.data)
    known = {
        f"enterprise:{samples.USCC}": {"email": MAIL.enterprise, "name": "受托机构"},
        f"enterprise:{samples.CLIENT_USCC}": {"email": MAIL.client},  # no name left yet
    }

    assert keys == {f"enterprise:{samples.USCC}", f"enterprise:{samples.CLIENT_USCC}"}
    assert enterprise_names(event.data, known) == {samples.USCC: "受托机构"}
    assert enterprise_names(event.data, {}) == {}
