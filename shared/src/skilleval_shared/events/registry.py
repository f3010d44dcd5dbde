"""Messages between the registry and the provincial talent database (全省技能人才数据库).

``SyncRecorded`` is what the registry sends; ``ProvinceSyncAcknowledged`` is the province
system's answer, which the registry consumes. Both are keyed by certificate number, so the
records and answers for one certificate stay in order.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar, Self

from pydantic import model_validator

from skilleval_shared import topics
from skilleval_shared.envelope import EventData
from skilleval_shared.events.fields import CertificateNumber, Clause, Identifier, LongText, Uscc
from skilleval_shared.events.roster import RosterRow


class SyncOperation(StrEnum):
    UPSERT = "upsert"  # issued, or reissued with changed details
    REVOKE = "revoke"


class RegistryEvent(EventData):
    service: ClassVar[str] = "registry"
    topic: ClassVar[str] = topics.REGISTRY_PROVINCE_SYNC
    key_field: ClassVar[str] = "certificate_number"
    subject_field: ClassVar[str] = "certificate_number"

    certificate_number: CertificateNumber


class SyncRecorded(RegistryEvent):
    """One certificate's record for the province, in the 附件3 export layout."""

    aggregate: ClassVar[str] = "sync"
    action: ClassVar[str] = "recorded"

    # Echoed in the acknowledgement; a new id per record, so a re-sent record is recognisable.
    sync_id: Identifier
    operation: SyncOperation
    institution_uscc: Uscc
    row: RosterRow
    revocation_reason: LongText | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.row.certificate_number != self.certificate_number or self.row.issue_date is None:
            raise ValueError("the row must be the issued certificate's row")
        if (self.operation is SyncOperation.REVOKE) != (self.revocation_reason is not None):
            raise ValueError("a revocation, and only a revocation, carries its reason")
        return self


class ProvinceEvent(EventData):
    """Produced by the province centre's system, outside this project."""

    service: ClassVar[str] = "province"
    topic: ClassVar[str] = topics.PROVINCE_ACKS
    key_field: ClassVar[str] = "certificate_number"
    subject_field: ClassVar[str] = "certificate_number"

    certificate_number: CertificateNumber


class ProvinceSyncAcknowledged(ProvinceEvent):
    aggregate: ClassVar[str] = "sync"
    action: ClassVar[str] = "acknowledged"

    sync_id: Identifier
    accepted: bool
    message: Clause | None = None
