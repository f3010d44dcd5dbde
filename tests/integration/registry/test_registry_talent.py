"""The talent database from certificate events, through real Kafka and the real database: the
public lookups by both keys, revocation, replays, the rebuild and the audit log."""

from __future__ import annotations

from typing import Any

import pytest

from skilleval_registry.bootstrap import build_app
from skilleval_registry.settings import RegistrySettings
from skilleval_registry.talent.rebuild import rebuild
from skilleval_registry.talent.service import TalentDatabase
from skilleval_shared import topics
from skilleval_shared.envelope import CloudEvent
from support.apps import serve_in_process
from support.kafka import eventually, produce
from support.registry_samples import (
    ID_NUMBER,
    certificate_corrected,
    certificate_issued,
    certificate_reissued,
    certificate_revoked,
    event,
    id_number,
    version_2,
)

pytestmark = pytest.mark.integration

ISSUED = certificate_issued(1)
NUMBER = ISSUED.certificate_number
SECOND = certificate_issued(2, level=4)  # the same person, another certificate


async def send(settings: RegistrySettings, *events: CloudEvent[Any]) -> None:
    for item in events:
        await produce(
            settings.kafka_bootstrap_servers,
            settings.topic(topics.CERTIFICATION_EVENTS),
            item.to_json_bytes(),
            key=item.data.kafka_key().encode(),
        )


@pytest.fixture
def settings(make_settings) -> RegistrySettings:
    return make_settings("registry", RegistrySettings, lookups_per_minute=100_000)


async def status_of(client, number: str, name: str = "张三") -> str | None:
    response = await client.get(f"/api/v1/public/certificates/{number}", params={"name": name})
    return response.json()["status"] if response.status_code == 200 else None


async def test_lookups_by_both_keys_answer_the_masked_record(make_settings, mongo, jwt_keys):
    from support.registry_samples import staff_headers

    staff = staff_headers(jwt_keys)
    settings = make_settings(
        "registry",
        RegistrySettings,
        lookups_per_minute=100_000,
        jwt_public_key_file=jwt_keys["JWT_PUBLIC_KEY_FILE"],
    )
    app = build_app(settings)
    async with serve_in_process(app) as client:
        await send(settings, event(ISSUED), event(SECOND))
        await eventually(lambda: status_of(client, SECOND.certificate_number))

        response = await client.get(
            f"/api/v1/public/certificates/{NUMBER}", params={"name": "张三"}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["id_number"] == "1101**********002X" and body["holder_name"] == "张*"
        assert (body["status_title"], body["level_title"], body["work_type"]) == (
            "有效",
            "四级/中级工",
            "数控车工",
        )
        assert ID_NUMBER not in response.text and "13800000000" not in response.text

        by_person = await client.post(
            "/api/v1/public/certificates/search",
            json={"id_number": ID_NUMBER.lower(), "name": "张三"},
        )
        assert by_person.status_code == 200, by_person.text
        numbers = {item["certificate_number"] for item in by_person.json()["certificates"]}
        assert numbers == {NUMBER, SECOND.certificate_number}
        assert ID_NUMBER not in by_person.text

        refused = await client.get("/api/v1/audit/lookups")
        assert refused.status_code == 401
        audit = await client.get("/api/v1/audit/lookups", headers=staff)
        assert audit.status_code == 200, audit.text
        entries = audit.json()
        assert {entry["kind"] for entry in entries} == {"number", "person"}
        assert "1101**********002X" in audit.text and ID_NUMBER not in audit.text


async def test_a_wrong_name_and_an_unknown_number_answer_alike(settings, mongo):
    app = build_app(settings)
    async with serve_in_process(app) as client:
        await send(settings, event(ISSUED))
        await eventually(lambda: status_of(client, NUMBER))
        wrong_name = await client.get(
            f"/api/v1/public/certificates/{NUMBER}", params={"name": "李四"}
        )
        unknown = await client.get(
            f"/api/v1/public/certificates/{certificate_issued(9).certificate_number}",
            params={"name": "张三"},
        )
        assert wrong_name.status_code == unknown.status_code == 404
        assert wrong_name.json()["detail"] == unknown.json()["detail"] == "未查询到"
        wrong_person = await client.post(
            "/api/v1/public/certificates/search", json={"id_number": ID_NUMBER, "name": "李四"}
        )
        assert wrong_person.status_code == 404


async def test_revocation_and_reissue_show_in_the_lookup(settings, mongo):
    app = build_app(settings)
    async with serve_in_process(app) as client:
        await send(settings, event(ISSUED), event(SECOND))
        await send(settings, event(certificate_reissued(SECOND.certificate_number)))
        await send(settings, event(certificate_revoked(NUMBER)))
        await eventually(lambda: _is(status_of(client, NUMBER), "revoked"))
        await eventually(lambda: _is(status_of(client, SECOND.certificate_number), "reissued"))


async def _is(awaitable, expected) -> bool:
    return await awaitable == expected


async def test_a_replayed_or_late_event_changes_nothing(settings, mongo):
    talent = TalentDatabase(mongo[settings.database_name])
    issued, revoked = event(ISSUED, 1000), event(certificate_revoked(NUMBER), 2000)
    late_reissue = event(certificate_reissued(NUMBER, 1, "张三丰"), 1500)
    assert await talent.record([issued, revoked]) == 2
    before = await talent.get(NUMBER)
    assert await talent.record([issued, late_reissue, revoked]) == 0
    assert await talent.get(NUMBER) == before
    assert before is not None and before["status"] == "revoked"


async def test_the_rebuild_from_the_topic_equals_the_live_database(settings, mongo):
    app = build_app(settings)
    people = [certificate_issued(n, name=f"工{n}", id_no=id_number(n)) for n in range(1, 41)]
    changes = [
        event(certificate_revoked(people[3].certificate_number)),
        event(certificate_reissued(people[5].certificate_number, 1, "工六")),
        event(people[7]),  # a duplicate delivery
        event(
            certificate_corrected(people[9].certificate_number, 1, name="工10", id_no=id_number(99))
        ),
    ]
    async with serve_in_process(app) as client:
        # certification publishes version 2 now; version 1 still on the topic reads the same
        issues = [version_2(data) if n % 2 else data for n, data in enumerate(people)]
        await send(settings, *(event(data) for data in issues), *changes)
        await eventually(
            lambda: _is(status_of(client, people[5].certificate_number, "工六"), "reissued")
        )
        await eventually(lambda: status_of(client, people[-1].certificate_number, "工40"))

        async def corrected() -> bool:
            found = await app.state.talent.by_person(id_number=id_number(99), name="工10")
            return [record["_id"] for record in found] == [people[9].certificate_number]

        await eventually(corrected)  # the last event sent
    talent = TalentDatabase(mongo[settings.database_name])
    live = await talent.contents()
    assert len(live["certificates"]) == 40 and len(live["people"]) == 42
    assert await rebuild(settings, prefix="rebuilt_") == 44  # all, the duplicate to no effect
    rebuilt = TalentDatabase(mongo[settings.database_name], prefix="rebuilt_")
    assert await rebuilt.contents() == live


async def test_a_revocation_counts_whatever_sequence_the_issue_had(settings, mongo):
    """certification issues in chunk commits (sequence 1000 + place in the chunk) and revokes on
    the certificate's own aggregate (its first change: 1000): different counters."""
    talent = TalentDatabase(mongo[settings.database_name])
    await talent.record([event(ISSUED, 1017)])
    assert await talent.record([event(certificate_revoked(NUMBER), 1000)]) == 1
    found = await talent.get(NUMBER)
    assert found is not None and found["status"] == "revoked"


async def test_the_rebuild_command_runs_from_the_environment(settings, mongo, service_env):
    import asyncio
    import sys

    await topics.ensure_topics(settings, (topics.CERTIFICATION_EVENTS,))
    await send(settings, event(ISSUED), event(certificate_revoked(NUMBER)))
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "skilleval_registry.talent.rebuild",
        "--prefix",
        "cli_",
        env=service_env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, err.decode()
    assert "人才库已重建：应用 2 个证书事件" in out.decode()
    rebuilt = TalentDatabase(mongo[settings.database_name], prefix="cli_")
    found = await rebuilt.get(NUMBER)
    assert found is not None and found["status"] == "revoked"
