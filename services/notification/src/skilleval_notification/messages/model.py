"""One Chinese email per event that matters to a person, rendered from a template per event type.

Each template is one file, ``templates/<CloudEvents type>.jinja``, with four blocks:
``audience`` (who gets it, as ``Audience`` names; may depend on the event, empty = nobody),
``subject``, ``text`` and ``html``. Adding an email for a new event type is adding that file.
Subject and text are rendered without escaping (they are plain text); the HTML part with
autoescaping, so names and free text from the event arrive as text, never as markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup

from skilleval_shared.validation.occupation import SkillLevel

TEMPLATES = Path(__file__).with_name("templates")
SUFFIX = ".jinja"
LAYOUT = "_layout.html"
FOOTER = "本邮件由青岛市企业技能人才自主评价系统自动发送，请勿直接回复。"
# The calendar the readers live by: an event at 23:30 UTC happened the next day in Qingdao.
CHINA = ZoneInfo("Asia/Shanghai")


class Audience(StrEnum):
    ENTERPRISE = "enterprise"  # the enterprise the event is about (its contact email)
    CLIENT = "client"  # the client enterprise of an entrusted evaluation
    CITY_CENTER = "city_center"
    PROVINCE_CENTER = "province_center"
    OBJECTOR = "objector"
    COMPLAINANT = "complainant"
    HOLDER = "holder"  # the certificate holder


@dataclass(frozen=True)
class Message:
    template: str
    audience: frozenset[Audience]
    subject: str
    text: str
    html: str


def cn_date(value: date) -> str:
    """A day, or the day in China of a moment (such as ``event.time``)."""
    if isinstance(value, datetime):
        value = value.astimezone(CHINA).date()
    return f"{value.year}年{value.month}月{value.day}日"


def level_title(level: int) -> str:
    return SkillLevel(level).title


def _environment(*, autoescape: bool, helpers: Mapping[str, Any]) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["cn_date"] = cn_date
    environment.filters["level_title"] = level_title
    environment.globals.update(helpers)
    return environment


def _block(template: Template, name: str, context: Mapping[str, Any]) -> str:
    return "".join(template.blocks[name](template.new_context(dict(context))))


class TemplateBook:
    """Every template in ``templates/``, by the CloudEvents type it is named after."""

    def __init__(self, *, certificate_lookup_url: str) -> None:
        def lookup_url(number: str) -> str:
            return certificate_lookup_url.format(number=number)

        helpers = {"lookup_url": lookup_url}
        self._text = _environment(autoescape=False, helpers=helpers)
        self._html = _environment(autoescape=True, helpers=helpers)
        self.event_types = frozenset(
            path.name.removesuffix(SUFFIX) for path in TEMPLATES.glob(f"cn.*{SUFFIX}")
        )

    def audience(self, event_type: str, context: Mapping[str, Any]) -> frozenset[Audience]:
        """Who the event's email is for; empty when no template or no audience wants it."""
        if event_type not in self.event_types:
            return frozenset()
        template = self._text.get_template(event_type + SUFFIX)
        return frozenset(Audience(word) for word in _block(template, "audience", context).split())

    def render(self, event_type: str, context: Mapping[str, Any]) -> Message | None:
        """The message for an event, or None when no template or no audience wants it.

        ``context``: ``event``, ``data`` and optionally ``names`` (enterprise names by USCC, as
        the contact book knows them; templates fall back to the USCC alone)."""
        audience = self.audience(event_type, context)
        if not audience:
            return None
        context = {"names": {}} | dict(context)
        name = event_type + SUFFIX
        text_template = self._text.get_template(name)
        subject = " ".join(_block(text_template, "subject", context).split())
        text = _block(text_template, "text", context).strip() + "\n\n--\n" + FOOTER + "\n"
        html_template = self._html.get_template(name)
        body = Markup(_block(html_template, "html", context).strip())
        html = self._html.get_template(LAYOUT + SUFFIX).render(
            subject=subject, body=body, footer=FOOTER
        )
        return Message(event_type, audience, subject, text, html)
