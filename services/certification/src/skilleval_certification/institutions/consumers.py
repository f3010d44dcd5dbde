"""The filing events certification's institution projection follows."""

from __future__ import annotations

from skilleval_certification.institutions.service import InstitutionProjection
from skilleval_shared.events.filing import (
    CatalogChanged,
    EntrustmentAccepted,
    EntrustmentResumed,
    EntrustmentSuspended,
    FilingFiled,
    FilingLapsed,
    FilingReinstated,
    FilingRevoked,
    FilingSuspended,
    InstitutionCodeAssigned,
    InstitutionSerialRecorded,
)
from skilleval_shared.messaging import EventConsumer


def register(consumer: EventConsumer, institutions: InstitutionProjection) -> None:
    consumer.on(FilingFiled)(institutions.record_filed)
    consumer.on(FilingSuspended, FilingReinstated, FilingRevoked, FilingLapsed)(
        institutions.record_status
    )
    consumer.on(CatalogChanged)(institutions.record_catalog)
    consumer.on(InstitutionCodeAssigned)(institutions.record_code)
    consumer.on(InstitutionSerialRecorded)(institutions.record_serial)
    consumer.on(EntrustmentAccepted)(institutions.record_entrustment)
    consumer.on(EntrustmentSuspended, EntrustmentResumed)(
        institutions.record_entrustment_suspension
    )
