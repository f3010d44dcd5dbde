"""Who gets an email: each audience resolved to addresses from the event and the contact book.

The contact book is notification's own projection of addresses others left in earlier events:
an enterprise's email (registration, filing application, filing receipt), an objector's and a
complainant's address, a certificate holder's address and issuing institution. Contact keys are
``enterprise:<USCC>``, ``objection:<id>``, ``complaint:<id>`` and ``certificate:<number>``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from skilleval_notification.messages.model import Audience
from skilleval_shared.envelope import EventData
from skilleval_shared.events import certification, filing

Contact = Mapping[str, Any]


@dataclass(frozen=True)
class Mailboxes:
    city_center: str
    province_center: str


def enterprise_key(uscc: str) -> str:
    return f"enterprise:{uscc}"


def certificate_key(number: str) -> str:
    return f"certificate:{number}"


def first_only(data: EventData) -> bool:
    """A certificate is issued once under a number never reused: its contact is written once
    (an insert; a redelivery after a reissue cannot roll the reissued address back)."""
    return isinstance(data, certification.CERTIFICATE_ISSUED)


def contact_updates(data: EventData) -> list[tuple[str, dict[str, Any]]]:
    """The contact fields an event sets, by contact key."""
    match data:
        case filing.EnterpriseRegistered() | filing.FilingFiled():
            return [
                (enterprise_key(data.uscc), {"email": data.email, "name": data.enterprise_name})
            ]
        case filing.FilingSubmitted() | filing.FilingResubmitted():
            form = data.application
            return [
                (enterprise_key(data.uscc), {"email": form.email, "name": form.enterprise_name})
            ]
        case filing.ObjectionRaised(contact_email=str(email)):
            return [(f"objection:{data.objection_id}", {"email": email})]
        case filing.ComplaintSubmitted(contact_email=str(email)):
            return [(f"complaint:{data.complaint_id}", {"email": email})]
        case certification.CertificateIssued() | certification.CertificateIssuedV2():
            holder = {"email": holder_email(data), "institution_uscc": data.institution_uscc}
            return [(certificate_key(data.certificate_number), holder)]
        case certification.CertificateReissued(holder_email=str(email)):
            return [(certificate_key(data.certificate_number), {"email": email})]
    return []


def _enterprise(email: str, name: str) -> dict[str, Any]:
    return {"email": email, "name": name}


def holder_email(data: certification.AnyCertificateIssued) -> str | None:
    return data.holder_email or data.row.email


def _field(data: EventData, name: str) -> Any:
    return getattr(data, name, None)


def owner_uscc(data: EventData, known: Mapping[str, Contact]) -> str | None:
    """The enterprise whose delivery log shows this event's emails."""
    for name in ("uscc", "institution_uscc"):
        if isinstance(value := _field(data, name), str):
            return value
    number = _field(data, "certificate_number")
    found = known.get(certificate_key(number)) if isinstance(number, str) else None
    value = found.get("institution_uscc") if found else None
    return value if isinstance(value, str) else None


def needed_keys(audience: Iterable[Audience], data: EventData) -> set[str]:
    """The contact documents to read before ``resolve`` and ``owner_uscc`` can answer."""
    keys = {_key_for(role, data) for role in audience if not _direct(role, data)}
    number = _field(data, "certificate_number")
    if isinstance(number, str) and not (_field(data, "uscc") or _field(data, "institution_uscc")):
        keys.add(certificate_key(number))
    return {key for key in keys if key is not None}


# The enterprises an email may name: the one it is about and, for an entrustment, the client.
PARTY_FIELDS = ("uscc", "institution_uscc", "client_uscc")


def named_keys(data: EventData) -> set[str]:
    """The contact documents that hold the names of the event's enterprises."""
    return {
        enterprise_key(value)
        for field in PARTY_FIELDS
        if isinstance(value := _field(data, field), str)
    }


def enterprise_names(data: EventData, known: Mapping[str, Contact]) -> dict[str, str]:
    """USCC → name of the event's enterprises the contact book knows by name."""
    names = {}
    for field in PARTY_FIELDS:
        uscc = _field(data, field)
        contact = known.get(enterprise_key(uscc)) if isinstance(uscc, str) else None
        if contact and isinstance(name := contact.get("name"), str):
            names[uscc] = name
    return names


# Every enterprise leaves its address when it registers, so an unknown one is not known *yet*
# (its registration travels on another topic): the email waits for it instead of being dropped.
# Objectors, complainants and holders may leave none: then there is nobody to write to.
AWAITED = frozenset({Audience.ENTERPRISE, Audience.CLIENT})


def awaited_keys(
    audience: Iterable[Audience], data: EventData, known: Mapping[str, Contact]
) -> set[str]:
    """Contacts the email must wait for: expected to arrive, not known yet."""
    keys = {
        _key_for(role, data) for role in audience if role in AWAITED and not _direct(role, data)
    }
    return {key for key in keys if key is not None and key not in known}


def _key_for(role: Audience, data: EventData) -> str | None:
    lookups = {
        Audience.ENTERPRISE: (
            "enterprise",
            _field(data, "uscc") or _field(data, "institution_uscc"),
        ),
        Audience.CLIENT: ("enterprise", _field(data, "client_uscc")),
        Audience.OBJECTOR: ("objection", _field(data, "objection_id")),
        Audience.COMPLAINANT: ("complaint", _field(data, "complaint_id")),
        Audience.HOLDER: ("certificate", _field(data, "certificate_number")),
    }
    kind, value = lookups.get(role, ("", None))
    return f"{kind}:{value}" if isinstance(value, str) else None


def _direct(role: Audience, data: EventData) -> str | None:
    """An address the event carries itself, which beats the contact book."""
    match role, data:
        case Audience.ENTERPRISE, filing.FilingFiled():
            return data.email
        case Audience.ENTERPRISE, filing.FilingSubmitted() | filing.FilingResubmitted():
            return data.application.email
        case Audience.OBJECTOR | Audience.COMPLAINANT, _:
            return _text(_field(data, "contact_email"))
        case (
            Audience.HOLDER,
            certification.CertificateIssued() | certification.CertificateIssuedV2(),
        ):
            return holder_email(data)
        case Audience.HOLDER, _:
            return _text(_field(data, "holder_email"))
    return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def resolve(
    audience: Iterable[Audience],
    data: EventData,
    known: Mapping[str, Contact],
    mailboxes: Mailboxes,
) -> dict[str, Audience]:
    """Each recipient address once (case-insensitively), with the role it is addressed in."""
    found: dict[str, Audience] = {}
    seen: set[str] = set()
    for role in sorted(audience):
        address = _address(role, data, known, mailboxes)
        if address and address.casefold() not in seen:
            seen.add(address.casefold())
            found[address] = role
    return found


def _address(
    role: Audience, data: EventData, known: Mapping[str, Contact], mailboxes: Mailboxes
) -> str | None:
    if role is Audience.CITY_CENTER:
        return mailboxes.city_center
    if role is Audience.PROVINCE_CENTER:
        return mailboxes.province_center
    if direct := _direct(role, data):
        return str(direct)
    key = _key_for(role, data)
    contact = known.get(key) if key else None
    email = contact.get("email") if contact else None
    return email if isinstance(email, str) else None
