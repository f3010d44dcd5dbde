"""The filing events the directory reacts to, registered on the service's consumer."""

from __future__ import annotations

from skilleval_registry.directory.service import Directory
from skilleval_shared.events.filing import (
    CatalogChanged,
    FilingFiled,
    FilingLapsed,
    FilingReinstated,
    FilingRevoked,
    FilingSuspended,
    InstitutionCodeAssigned,
    InstitutionSerialRecorded,
)
from skilleval_shared.messaging import EventConsumer


def register(consumer: EventConsumer, directory: Directory) -> None:
    consumer.on(FilingFiled)(directory.record_filed)
    consumer.on(FilingSuspended, FilingReinstated, FilingRevoked, FilingLapsed)(
        directory.record_status
    )
    consumer.on(InstitutionCodeAssigned)(directory.record_institution_code)
    consumer.on(InstitutionSerialRecorded)(directory.record_institution_serial)
    consumer.on(CatalogChanged)(directory.record_catalog)
