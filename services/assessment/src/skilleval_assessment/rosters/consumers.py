"""Certification's roster events, for the enterprise to follow its roster's progress."""

from __future__ import annotations

from skilleval_assessment.rosters.service import RosterProgress
from skilleval_shared.events.certification import (
    RosterCityApproved,
    RosterCityRejected,
    RosterIssued,
    RosterProvinceApproved,
    RosterProvinceRejected,
    RosterValidated,
)
from skilleval_shared.messaging import EventConsumer


def register(consumer: EventConsumer, progress: RosterProgress) -> None:
    consumer.on(
        RosterValidated,
        RosterCityApproved,
        RosterCityRejected,
        RosterProvinceApproved,
        RosterProvinceRejected,
        RosterIssued,
    )(progress.record)
