"""The institution serial recorded on a filing (``InstitutionSerialRecorded``) reaches every
projection that numbers certificates or shows the institution: certification's institutions,
assessment's enterprises (the roster's 评价机构编码) and registry's directory, through Kafka.
A filing filed before the serial was recorded leaves it empty, and a late ``FilingFiled``
never blanks a recorded serial."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from skilleval_assessment.bootstrap import build_app as assessment_app
from skilleval_assessment.settings import AssessmentSettings
from skilleval_certification.bootstrap import build_app as certification_app
from skilleval_certification.settings import CertificationSettings
from skilleval_registry.bootstrap import build_app as registry_app
from skilleval_registry.settings import RegistrySettings
from skilleval_shared import topics
from skilleval_shared.envelope import EventData, wrap
from skilleval_shared.events.filing import FilingSuspended, InstitutionSerialRecorded
from support.apps import serve_in_process
from support.filing_samples import filing_filed
from support.kafka import eventually, produce
from support.samples import USCC

pytestmark = pytest.mark.integration

SERIAL = "000777"


async def test_the_recorded_serial_reaches_every_institution_projection(
    make_settings: Any, mongo: Any, jwt_keys: dict[str, str]
) -> None:
    keys = {"jwt_public_key_file": Path(jwt_keys["JWT_PUBLIC_KEY_FILE"])}
    assessment = assessment_app(make_settings("assessment", AssessmentSettings, **keys))
    certification = certification_app(make_settings("certification", CertificationSettings, **keys))
    registry_settings = make_settings("registry", RegistrySettings)
    registry = registry_app(registry_settings)
    topic = registry_settings.topic(topics.FILING_EVENTS)

    async def send(data: EventData, sequence: int, subject: str) -> None:
        event = wrap(data).model_copy(update={"sequence": str(sequence), "subject": subject})
        await produce(
            registry_settings.kafka_bootstrap_servers,
            topic,
            event.to_json_bytes(),
            key=USCC.encode(),
        )

    async def projected() -> tuple[Any, Any, Any]:
        return (
            await assessment.state.enterprises.get(USCC),
            await certification.state.certification.rosters.institutions.get(USCC),
            await registry.state.directory.get(USCC),
        )

    async def serials() -> tuple[Any, Any, Any]:
        enterprise, institution, listed = await projected()
        return (
            enterprise.institution_serial,
            institution.institution_serial,
            listed.get("institution_serial"),
        )

    async with (
        serve_in_process(assessment),
        serve_in_process(certification),
        serve_in_process(registry),
    ):
        filed = filing_filed(serial=None)
        subject = f"F-{USCC}"
        await send(filed, 4000, subject)

        async def filed_everywhere() -> bool:
            return all(found is not None for found in await projected())

        await eventually(filed_everywhere)
        assert await serials() == ("", None, None)  # 机构序号待省中心分配

        await send(
            InstitutionSerialRecorded(
                uscc=USCC,
                filing_id=filed.filing_id,
                decided_by="staff:province",
                institution_serial=SERIAL,
            ),
            5000,
            subject,
        )

        async def recorded_everywhere() -> bool:
            return await serials() == (SERIAL, SERIAL, SERIAL)

        await eventually(recorded_everywhere)

        # A FilingFiled without the serial, later than the serial (a re-filing's, say), and a
        # suspension after it to know it was handled: the recorded serial stays.
        await send(filing_filed(serial=None), 6000, subject)
        await send(
            FilingSuspended(
                uscc=USCC, filing_id=filed.filing_id, decided_by="staff:city", reason="检查"
            ),
            6001,
            subject,
        )

        async def suspended_everywhere() -> bool:
            enterprise, institution, listed = await projected()
            statuses = (enterprise.status.value, institution.status, listed["status"])
            return statuses == ("suspended", "suspended", "suspended")

        await eventually(suspended_everywhere)
        assert await serials() == (SERIAL, SERIAL, SERIAL)
