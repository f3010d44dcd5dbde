"""The filing's later life by email, end to end: 继续备案 asked, granted and refused, a lapse,
and an entrustment accepted, rejected, suspended and resumed, published on real Kafka (each
twice), reach the enterprise, the client and the city centre in Mailpit once each."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest

from integration.notification.published import bearer, publish
from skilleval_notification.bootstrap import build_app
from skilleval_notification.settings import NotificationSettings
from skilleval_shared.auth import Role, TokenIssuer
from skilleval_shared.envelope import wrap
from skilleval_shared.events import filing
from support import notification_samples as samples
from support.apps import serve_in_process
from support.infra import Infra
from support.kafka import eventually
from support.mailpit import message, messages_to

pytestmark = pytest.mark.integration

FILING_LATER_LIFE = (
    filing.FilingRenewalRequested,  # first: the one with two recipients
    filing.FilingRenewalDue,
    filing.FilingRenewed,
    filing.FilingRenewalRefused,
    filing.FilingLapsed,
)
ENTRUSTMENT_LATER_LIFE = (
    filing.EntrustmentAccepted,
    filing.EntrustmentRejected,
    filing.EntrustmentSuspended,
    filing.EntrustmentResumed,
)
# What each party reads first in the subject of each email.
TO_ENTERPRISE = [
    "企业账号注册成功",
    "请及时申请继续备案",
    "继续备案申请已提交",
    "继续备案已通过",
    "继续备案申请未获同意",
    "自主评价备案已失效",
    "委托评价协议已备案",
    "委托评价协议未予备案",
    "委托评价协议已中止",
    "委托评价协议已恢复",
]
TO_CLIENT = [
    "企业账号注册成功",
    "委托评价协议已备案",
    "委托评价协议未予备案",
    "委托评价协议已中止",
    "委托评价协议已恢复",
]
TO_CITY_CENTER = ["继续备案申请已提交"]


def client_registered(tag: str) -> filing.EnterpriseRegistered:
    payload = samples.payloads(tag)[filing.EnterpriseRegistered] | {
        "uscc": samples.CLIENT_USCC,
        "enterprise_name": "青岛客户制造有限公司",
        "email": samples.addresses(tag).client,
    }
    return filing.EnterpriseRegistered.model_validate(payload)


def subjects_begin(arrived: list[dict[str, str]], expected: list[str]) -> bool:
    """Each expected subject start matched by exactly one message, and nothing else."""
    starts = Counter(
        next((s for s in expected if m["Subject"].startswith(s)), m["Subject"]) for m in arrived
    )
    return starts == Counter(expected)


async def test_the_later_life_of_a_filing_is_emailed_once_to_each_party(
    infra: Infra,
    notification_settings: Callable[..., NotificationSettings],
    jwt_keys: dict[str, str],
    issuer: TokenIssuer,
    tag: str,
) -> None:
    settings = notification_settings(jwt_public_key_file=jwt_keys["JWT_PUBLIC_KEY_FILE"])
    mail = samples.addresses(tag)
    registrations = [
        samples.sample_event(filing.EnterpriseRegistered, tag),
        wrap(client_registered(tag)),
    ]
    later = [samples.sample_event(cls, tag) for cls in FILING_LATER_LIFE + ENTRUSTMENT_LATER_LIFE]
    events = registrations + later
    async with serve_in_process(build_app(settings)) as client:
        for event in events + later:  # every later-life event is delivered twice
            await publish(infra, settings, event)
        expected = {
            mail.enterprise: TO_ENTERPRISE,
            mail.client: TO_CLIENT,
            mail.city_center: TO_CITY_CENTER,
        }
        for address, subjects in expected.items():
            arrived = await messages_to(
                infra.mailpit_api, address, at_least=len(subjects), timeout=30
            )
            assert subjects_begin(arrived, subjects), (address, [m["Subject"] for m in arrived])
            if address == mail.client:
                to_client = arrived

        # The client reads which 评价机构 it is about by name, from the contact book.
        [suspended] = [m for m in to_client if m["Subject"].startswith("委托评价协议已中止")]
        text = (await message(infra.mailpit_api, suspended["ID"]))["Text"]
        assert f"评价机构{samples.ENTERPRISE_NAME}（统一社会信用代码 {samples.USCC}）" in text

        # The delivery log holds one sent delivery per (event, recipient).
        staff = bearer(issuer, Role.CITY_CENTER)
        total = sum(len(subjects) for subjects in expected.values())

        async def all_sent() -> list[dict[str, str]] | None:
            page = (
                await client.get("/api/v1/deliveries", headers=staff, params={"limit": 100})
            ).json()
            sent = page["total"] == total and {i["status"] for i in page["items"]} == {"sent"}
            return page["items"] if sent else None

        items = await eventually(all_sent, timeout=20)
        pairs = Counter((item["event_id"], item["recipient"]) for item in items)
        assert set(pairs.values()) == {1}
        per_event = Counter(item["event_type"] for item in items)
        assert per_event[filing.FilingRenewalRequested.event_type()] == 2  # enterprise, centre
        for cls in ENTRUSTMENT_LATER_LIFE:
            assert per_event[cls.event_type()] == 2  # the 评价机构 and the client
        for cls in FILING_LATER_LIFE[1:]:
            assert per_event[cls.event_type()] == 1

    # Redeliveries and the retry rounds since sent nothing more.
    for address, subjects in expected.items():
        arrived = await messages_to(
            infra.mailpit_api, address, at_least=len(subjects) + 1, timeout=2
        )
        assert len(arrived) == len(subjects), address
