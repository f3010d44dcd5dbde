"""The postman against the real database and the real Mailpit: every template arrives, once."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable

import pytest

from skilleval_notification.deliveries.model import Status
from skilleval_notification.deliveries.service import Postman
from skilleval_notification.settings import NotificationSettings
from skilleval_shared.envelope import wrap
from skilleval_shared.events import assessment, certification, filing
from skilleval_shared.storage.claims import ClaimState
from support import notification_samples as samples
from support.infra import Infra
from support.mailpit import message, messages_to

pytestmark = pytest.mark.integration

Settings = Callable[..., NotificationSettings]
MakePostman = Callable[[NotificationSettings], Postman]


def every_sample(tag: str) -> list:  # type: ignore[type-arg]
    """Registration first, so later events find the enterprise's address in the contacts."""
    return [samples.sample_event(cls, tag) for cls in samples.payloads(tag)]


async def test_every_template_arrives_once_with_its_message_id(
    infra: Infra, notification_settings: Settings, make_postman: MakePostman, tag: str
) -> None:
    postman = make_postman(notification_settings())
    events = every_sample(tag)
    client = samples.addresses(tag).client
    await postman.handle_many(events[:1])  # the client enterprise registers too
    await postman.contacts.projection.collection.insert_one(
        {"_id": f"enterprise:{samples.CLIENT_USCC}", "email": client, "seen": {}}
    )
    sent = await postman.handle_many(events[1:])

    deliveries, total = await postman.search(criteria={}, limit=1000, offset=0)
    assert total == sent + 1
    assert {d.status for d in deliveries} == {Status.SENT}
    assert {d.event_type for d in deliveries} == {event.type for event in events}
    per_recipient = Counter(d.recipient for d in deliveries)
    for address, count in per_recipient.items():
        arrived = await messages_to(infra.mailpit_api, address, at_least=count)
        assert len(arrived) == count, address
        expected_ids = {d.message_id for d in deliveries if d.recipient == address}
        assert {f"<{m['MessageID']}>" for m in arrived} == expected_ids


async def test_a_redelivered_event_sends_nothing_new(
    infra: Infra, notification_settings: Settings, make_postman: MakePostman, tag: str
) -> None:
    postman = make_postman(notification_settings())
    event = wrap(samples.certificate_issued(tag))
    assert await postman.handle_many([event]) == 1
    assert await postman.handle_many([event]) == 0
    assert await postman.handle(event) is None
    # Another replica with its own connections and no memory of its own sees the same claims.
    other = make_postman(notification_settings())
    assert await other.handle_many([event, event]) == 0
    await asyncio.sleep(1.0)
    arrived = await messages_to(infra.mailpit_api, samples.addresses(tag).holder)
    assert len(arrived) == 1


async def test_a_malicious_name_arrives_escaped(
    infra: Infra, notification_settings: Settings, make_postman: MakePostman, tag: str
) -> None:
    postman = make_postman(notification_settings())
    await postman.handle(wrap(samples.certificate_issued(tag, name=samples.MALICIOUS_NAME)))
    [summary] = await messages_to(infra.mailpit_api, samples.addresses(tag).holder)
    full = await message(infra.mailpit_api, summary["ID"])
    assert "<script>" not in full["HTML"]
    assert "&lt;script&gt;" in full["HTML"]
    assert samples.MALICIOUS_NAME in full["Text"]


async def test_an_attempt_claimed_by_a_process_that_died_is_made_once_when_stale(
    infra: Infra, notification_settings: Settings, make_postman: MakePostman, tag: str
) -> None:
    postman = make_postman(notification_settings(delivery_stale_seconds=1.0))
    event = wrap(samples.certificate_issued(tag))
    [planned] = await postman.plan([event])
    # The dead process claimed attempt 1 and never recorded an outcome.
    assert await postman.claims.claim(f"{planned.id}#1") is ClaimState.NEW
    assert await postman.handle_many([event]) == 0
    assert await postman.run_due() == 0  # not stale yet: the claimer may be alive
    await asyncio.sleep(1.2)
    assert await postman.run_due() == 1
    assert await postman.run_due() == 0
    found = await postman.get(planned.id)
    assert found is not None and found.status is Status.SENT
    await asyncio.sleep(0.5)
    assert len(await messages_to(infra.mailpit_api, samples.addresses(tag).holder)) == 1


async def test_objector_is_answered_from_the_contact_book(
    infra: Infra, notification_settings: Settings, make_postman: MakePostman, tag: str
) -> None:
    postman = make_postman(notification_settings())
    payloads = samples.payloads(tag)
    raised = wrap(filing.ObjectionRaised.model_validate(payloads[filing.ObjectionRaised]))
    upheld = wrap(filing.ObjectionUpheld.model_validate(payloads[filing.ObjectionUpheld]))
    await postman.handle_many([raised])
    await postman.handle_many([upheld])
    arrived = await messages_to(infra.mailpit_api, samples.addresses(tag).objector, at_least=2)
    subjects = sorted(m["Subject"] for m in arrived)
    assert len(subjects) == 2 and any("异议成立" in s for s in subjects)


async def test_an_email_waits_for_an_enterprise_address_that_comes_later(
    infra: Infra, notification_settings: Settings, make_postman: MakePostman, tag: str
) -> None:
    postman = make_postman(notification_settings())
    accepted = samples.sample_event(assessment.PlanAccepted, tag)
    assert await postman.handle_many([accepted]) == 0  # the registration is on another topic
    assert await postman.release_parked() == 0
    await postman.handle_many([samples.sample_event(filing.EnterpriseRegistered, tag)])
    assert await postman.release_parked() == 1
    assert await postman.release_parked() == 0
    await postman.handle_many([accepted])  # a redelivery later still sends nothing new
    arrived = await messages_to(infra.mailpit_api, samples.addresses(tag).enterprise, at_least=2)
    assert sorted(m["Subject"][:4] for m in arrived) == ["企业账号", "评价考核"]


async def test_a_reissued_address_is_not_rolled_back_by_a_redelivered_issue(
    infra: Infra, notification_settings: Settings, make_postman: MakePostman, tag: str
) -> None:
    postman = make_postman(notification_settings())
    new_address = f"new-{tag}@example.com"
    issued = wrap(samples.certificate_issued(tag))
    payloads = samples.payloads(tag)
    reissued = wrap(
        certification.CertificateReissued.model_validate(
            payloads[certification.CertificateReissued] | {"holder_email": new_address}
        )
    )
    revoked = samples.sample_event(certification.CertificateRevoked, tag)
    await postman.handle_many([issued])
    await postman.handle_many([reissued])
    await postman.handle_many([issued])  # late redelivery of the issue
    await postman.handle_many([revoked])
    arrived = await messages_to(infra.mailpit_api, new_address, at_least=2)
    subjects = sorted(m["Subject"][:11] for m in arrived)
    assert subjects == ["职业技能等级证书已撤销", "职业技能等级证书已补发"]
