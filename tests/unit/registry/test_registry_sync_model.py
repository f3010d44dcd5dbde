"""The provincial sync rules: one send per change, answers counted for the send they name."""

from __future__ import annotations

from datetime import UTC, datetime

from skilleval_registry.province.model import rejects
from skilleval_registry.sync import model
from skilleval_registry.sync.model import SyncStatus
from skilleval_shared.events.registry import ProvinceSyncAcknowledged, SyncOperation
from support.registry_samples import (
    certificate_issued,
    certificate_reissued,
    certificate_revoked,
    version_2,
)

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
ISSUED = certificate_issued(1)
NUMBER = ISSUED.certificate_number


def ack(sync_id: str, accepted: bool, message: str | None = None) -> ProvinceSyncAcknowledged:
    return ProvinceSyncAcknowledged(
        certificate_number=NUMBER, sync_id=sync_id, accepted=accepted, message=message
    )


def test_an_issue_is_sent_once() -> None:
    record, sent = model.on_issued(None, ISSUED, sync_id="s1", now=NOW)
    assert sent is not None and sent.operation is SyncOperation.UPSERT and sent.sync_id == "s1"
    assert (record.status, record.sends) == (SyncStatus.PENDING, 1)
    again, nothing = model.on_issued(record, ISSUED, sync_id="s2", now=NOW)
    assert nothing is None and again == record


def test_version_2_of_an_issue_is_sent_as_version_1() -> None:
    first, sent = model.on_issued(None, ISSUED, sync_id="s1", now=NOW)
    second, sent_v2 = model.on_issued(None, version_2(ISSUED), sync_id="s1", now=NOW)
    assert (second, sent_v2) == (first, sent)


def test_a_revocation_before_its_issue_waits_and_goes_out_with_the_row() -> None:
    waiting, none = model.on_revoked(None, certificate_revoked(NUMBER), sync_id="s1", now=NOW)
    assert none is None and waiting.status is SyncStatus.WAITING
    record, sent = model.on_issued(waiting, ISSUED, sync_id="s2", now=NOW)
    assert record.status is SyncStatus.PENDING
    assert sent is not None and sent.operation is SyncOperation.REVOKE
    assert sent.revocation_reason == "考核舞弊"


def test_a_reissue_sends_the_new_name_unless_revoked() -> None:
    record, _ = model.on_issued(None, ISSUED, sync_id="s1", now=NOW)
    renamed, sent = model.on_reissued(
        record, certificate_reissued(NUMBER, 1, "张三丰"), sync_id="s2", now=NOW
    )
    assert sent is not None and sent.row.name == "张三丰"
    stale, none = model.on_reissued(renamed, certificate_reissued(NUMBER, 1), sync_id="s3", now=NOW)
    assert none is None and stale == renamed
    revoked, _ = model.on_revoked(renamed, certificate_revoked(NUMBER), sync_id="s4", now=NOW)
    _, after = model.on_reissued(revoked, certificate_reissued(NUMBER, 2), sync_id="s5", now=NOW)
    assert after is None


def test_an_answer_settles_only_the_send_it_names() -> None:
    record, _ = model.on_issued(None, ISSUED, sync_id="s1", now=NOW)
    resent, _ = model.resend(record, sync_id="s2", now=NOW)
    answered = model.on_acknowledged(resent, ack("s1", False, "重复"), now=NOW)
    assert answered is not None and answered.status is SyncStatus.PENDING
    assert answered.history[0].status is SyncStatus.REJECTED
    accepted = model.on_acknowledged(answered, ack("s2", True), now=NOW)
    assert accepted is not None and accepted.status is SyncStatus.ACCEPTED
    assert model.on_acknowledged(accepted, ack("s2", True), now=NOW) is None  # a repeat
    assert model.on_acknowledged(accepted, ack("unknown", True), now=NOW) is None


def test_the_simulator_rejects_the_configured_share_by_number() -> None:
    numbers = [certificate_issued(n).certificate_number for n in range(1, 1001)]
    share = sum(rejects(number, 10) for number in numbers)
    assert 60 < share < 140
    assert not any(rejects(number, 0) for number in numbers)
    assert all(rejects(number, 100) for number in numbers)
    assert rejects(numbers[0], 10) == rejects(numbers[0], 10)
