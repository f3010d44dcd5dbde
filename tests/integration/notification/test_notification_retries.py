"""While the SMTP server is down emails are retried with backoff; they arrive once when it
returns, or are marked failed after the bound and can be resent."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from skilleval_notification.deliveries import service
from skilleval_notification.deliveries.model import Status
from skilleval_notification.deliveries.service import Postman
from skilleval_notification.settings import NotificationSettings
from skilleval_shared.domain_errors import IllegalTransition
from skilleval_shared.envelope import wrap
from skilleval_shared.events import registry
from support import notification_samples as samples
from support.mailpit import PrivateMailpit, messages_to

pytestmark = pytest.mark.integration

Settings = Callable[..., NotificationSettings]
MakePostman = Callable[[NotificationSettings], Postman]


async def statuses(postman: Postman) -> set[Status]:
    found, _ = await postman.search(criteria={}, limit=1000, offset=0)
    return {delivery.status for delivery in found}


async def rounds_until(postman: Postman, wanted: set[Status], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while await statuses(postman) != wanted:
        assert time.monotonic() < deadline, await statuses(postman)
        await postman.run_due()
        await asyncio.sleep(0.1)


async def test_emails_are_retried_while_smtp_is_down_and_arrive_once_after(
    notification_settings: Settings,
    make_postman: MakePostman,
    private_mailpit: PrivateMailpit,
    tag: str,
) -> None:
    settings = notification_settings(smtp_port=private_mailpit.smtp_port, delivery_max_attempts=50)
    postman = make_postman(settings)
    holders = [f"h{n}-{tag}@example.com" for n in range(5)]
    events = [
        wrap(samples.certificate_issued(tag, serial=n + 1, email=address))
        for n, address in enumerate(holders)
    ]
    await postman.handle_many(events)  # the server is not running
    assert await statuses(postman) == {Status.RETRYING}
    for _ in range(3):
        await asyncio.sleep(0.3)
        await postman.run_due()
    found, _ = await postman.search(criteria={}, limit=10, offset=0)
    assert all(d.attempts >= 2 and d.last_error for d in found)

    private_mailpit.start()
    await rounds_until(postman, {Status.SENT})
    for address in holders:
        arrived = await messages_to(private_mailpit.api, address, at_least=1)
        assert len(arrived) == 1
    await postman.handle_many(events)  # and a redelivery afterwards changes nothing
    await asyncio.sleep(0.5)
    assert len(await messages_to(private_mailpit.api, holders[0], timeout=0)) == 1


async def test_an_email_of_no_enterprise_is_retried_with_the_others(
    notification_settings: Settings,
    make_postman: MakePostman,
    private_mailpit: PrivateMailpit,
    tag: str,
) -> None:
    """`make chaos`, SMTP down: a province rejection of a certificate whose issue notification
    had not read yet (no owner in its log) failed with the holders' emails; reading it back
    broke every retry round, so none of them was ever sent again."""
    settings = notification_settings(smtp_port=private_mailpit.smtp_port, delivery_max_attempts=50)
    postman = make_postman(settings)
    holders = [f"h{n}-{tag}@example.com" for n in range(3)]
    issued = [
        wrap(samples.certificate_issued(tag, serial=n + 1, email=address))
        for n, address in enumerate(holders)
    ]
    rejected = registry.ProvinceSyncAcknowledged(
        certificate_number=samples.certificate_number(99),
        sync_id=f"sync-{tag}",
        accepted=False,
        message="证件号码已存在同级证书",
    )
    await postman.handle_many([*issued, wrap(rejected)])  # the server is not running
    logged = await postman.log.find({}).limit(10).to_list(10)
    assert len(logged) == 4 and {d["status"] for d in logged} == {Status.RETRYING}
    assert [d["recipient"] for d in logged if d["owner_uscc"] is None] == [
        settings.city_center_email
    ]

    private_mailpit.start()
    deadline = time.monotonic() + 30
    while {d["status"] for d in await postman.log.find({}).limit(10).to_list(10)} != {"sent"}:
        assert time.monotonic() < deadline
        await postman.run_due()  # each round reads that email back, beside the others
        await asyncio.sleep(0.1)
    for address in [*holders, settings.city_center_email]:
        assert len(await messages_to(private_mailpit.api, address, at_least=1)) == 1


async def test_after_the_bound_the_email_fails_and_can_be_resent(
    notification_settings: Settings,
    make_postman: MakePostman,
    private_mailpit: PrivateMailpit,
    tag: str,
) -> None:
    settings = notification_settings(
        smtp_port=private_mailpit.smtp_port,
        delivery_max_attempts=3,
        delivery_backoff_seconds=0.05,
    )
    postman = make_postman(settings)
    await postman.handle_many([wrap(samples.certificate_issued(tag))])
    await rounds_until(postman, {Status.FAILED})
    [failed], _ = await postman.search(criteria={}, limit=10, offset=0)
    assert failed.attempts == 3 and failed.next_attempt_at is None
    for _ in range(3):
        await postman.run_due()  # no further attempt is ever made on its own
    again = await postman.get(failed.id)
    assert again is not None and again.attempts == 3

    private_mailpit.start()
    resent = await service.resend(postman=postman, viewer_uscc=samples.USCC, delivery_id=failed.id)
    assert resent.status is Status.SENT and resent.attempts == 4
    arrived = await messages_to(private_mailpit.api, samples.addresses(tag).holder)
    assert len(arrived) == 1 and f"<{arrived[0]['MessageID']}>" == failed.message_id
    with pytest.raises(IllegalTransition):
        await service.resend(postman=postman, viewer_uscc=None, delivery_id=failed.id)


async def test_a_refused_recipient_fails_at_once_and_a_busy_one_is_retried(
    notification_settings: Settings,
    make_postman: MakePostman,
    private_mailpit: PrivateMailpit,
    tag: str,
) -> None:
    private_mailpit.start(chaos=True)
    postman = make_postman(notification_settings(smtp_port=private_mailpit.smtp_port))
    await private_mailpit.set_chaos(recipient_code=550, probability=100)
    refused = wrap(samples.certificate_issued(tag, serial=1, email=f"refused-{tag}@example.com"))
    await postman.handle_many([refused])
    [failed], _ = await postman.search(criteria={"status": "failed"}, limit=10, offset=0)
    assert failed.attempts == 1 and failed.last_error and "550" in failed.last_error

    await private_mailpit.set_chaos(recipient_code=451, probability=100)
    busy = wrap(samples.certificate_issued(tag, serial=2, email=f"busy-{tag}@example.com"))
    await postman.handle_many([busy])
    [waiting], _ = await postman.search(criteria={"status": "retrying"}, limit=10, offset=0)
    assert waiting.recipient == f"busy-{tag}@example.com" and "451" in (waiting.last_error or "")
    await private_mailpit.set_chaos(recipient_code=451, probability=0)
    deadline = time.monotonic() + 20
    while (await postman.get(waiting.id) or waiting).status is not Status.SENT:
        assert time.monotonic() < deadline
        await postman.run_due()
        await asyncio.sleep(0.1)
    assert len(await messages_to(private_mailpit.api, f"busy-{tag}@example.com")) == 1
