"""The filing events assessment's enterprise projection reacts to."""

from __future__ import annotations

from skilleval_assessment.enterprises.service import EnterpriseProjection
from skilleval_shared.events.filing import (
    CatalogChanged,
    EntrustmentAccepted,
    EntrustmentRejected,
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


def register(consumer: EventConsumer, enterprises: EnterpriseProjection) -> None:
    consumer.on(FilingFiled)(enterprises.record_filed)
    consumer.on(CatalogChanged)(enterprises.record_catalog)
    consumer.on(FilingSuspended, FilingReinstated, FilingRevoked, FilingLapsed)(
        enterprises.record_status
    )
    consumer.on(InstitutionCodeAssigned)(enterprises.record_code)
    consumer.on(InstitutionSerialRecorded)(enterprises.record_serial)
    consumer.on(EntrustmentAccepted, EntrustmentRejected)(enterprises.record_entrustment)
    consumer.on(EntrustmentSuspended, EntrustmentResumed)(enterprises.record_entrustment_suspension)
