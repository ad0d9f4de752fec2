"""Queueing notifications: `notify()` is the one function other apps call.

It renders the message now, in the recipient's language, and writes one outbox row in the
caller's transaction: a rolled-back change sends nothing, a committed one is never lost. The
worker (`delivery.deliver_due`) sends it later.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from .models import PHONE_CHANNELS, Attempt, Channel, Message

logger = logging.getLogger("paksemmok.notifications")

STATUS_KINDS = (
    "submitted",
    "returned",
    "approved",
    "rejected",
    "document_ready",
    "card_ready",
    "cancelled",
)


@dataclass(frozen=True)
class TemplateSpec:
    required: tuple[str, ...]
    # Codes and reset links: hidden in the production admin, and dropped once expired.
    secret: bool = False
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)


TEMPLATES: dict[str, TemplateSpec] = {
    "verification_code": TemplateSpec(("code", "minutes"), secret=True),
    "password_reset": TemplateSpec(("code", "minutes"), secret=True),
    # A resident lets a village helper act for them by passing this code on (optional
    # context: village). Unlike the other codes, this one is meant to be shared.
    "helper_access_code": TemplateSpec(("code", "minutes", "helper"), secret=True),
    "status_change": TemplateSpec(("kind", "reference"), choices={"kind": STATUS_KINDS}),
    "appointment_booked": TemplateSpec(("place", "when", "booking_code")),
    "appointment_reminder": TemplateSpec(("place", "when", "booking_code")),
    "jemput_bola_announcement": TemplateSpec(("place", "date", "hours")),
    "generic": TemplateSpec(("subject", "body")),
}


def register_template(name: str, spec: TemplateSpec) -> None:
    """Lets another app bring its own message (text in its templates/notifications/).
    Registering the same name twice with a different spec is a programming error."""
    existing = TEMPLATES.setdefault(name, spec)
    if existing != spec:
        raise ValueError(f"notification template {name!r} is already registered differently")


_CODE = re.compile(r"\b\d{6}\b")


def redact_codes(text: str) -> str:
    """A sent one-time code's message as kept afterwards: every 6-digit code starred out."""
    return _CODE.sub("******", text or "")


def is_secret(template: str) -> bool:
    spec = TEMPLATES.get(template)
    return bool(spec and spec.secret)


def _language(requested: str | None) -> str:
    supported = {code for code, _name in settings.LANGUAGES}
    if requested:
        base = requested.lower().split("-")[0]
        if base in supported:
            return base
    return settings.LANGUAGE_CODE


def _humanise(value: Any) -> Any:
    """Dates and times in the recipient's language and Kudus time (e.g. "Senin, 2 Juni 2025")."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(
            value, "l, j F Y, H.i T" if timezone.is_aware(value) else "l, j F Y, H.i"
        )
    if isinstance(value, dt.date):
        return formats.date_format(value, "l, j F Y")
    return value


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def _clean_text(text: str) -> str:
    # Template tags leave stray spaces and blank lines; WhatsApp and SMS show them verbatim.
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def render(template: str, context: dict, language: str) -> tuple[str, str]:
    """Returns (subject, body) for `template` rendered in `language`."""
    spec = TEMPLATES.get(template)
    if spec is None:
        raise ValueError(
            f"Unknown notification template {template!r}; known: {', '.join(sorted(TEMPLATES))}"
        )
    missing = [key for key in spec.required if context.get(key) in (None, "")]
    if missing:
        raise ValueError(f"Notification {template!r} needs context key(s): {', '.join(missing)}")
    for key, allowed in spec.choices.items():
        if context[key] not in allowed:
            raise ValueError(
                f"Notification {template!r}: {key}={context[key]!r} is not one of {allowed}"
            )
    with translation.override(language):
        ctx = {key: _humanise(value) for key, value in context.items()}
        if ctx.get("url"):
            ctx["url"] = _absolute(str(ctx["url"]))
        ctx.update(service=settings.SERVICE_NAME, regency=settings.REGENCY_NAME)
        subject = render_to_string(f"notifications/{template}.subject.txt", ctx)
        body = render_to_string(f"notifications/{template}.txt", ctx)
    return " ".join(subject.split())[:200], _clean_text(body)


def normalise_phone(value: Any) -> str:
    """E.164 (+62...) from a PhoneNumber or a string such as 0812-..., or ValueError."""
    if value is None or str(value).strip() == "":
        return ""
    try:
        number = phonenumbers.parse(str(value), settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"Invalid phone number for a notification: {value!r}") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"Invalid phone number for a notification: {value!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def address_for(channel: str, phone: str, email: str) -> str:
    return phone if channel in PHONE_CHANNELS else email if channel == Channel.EMAIL else ""


def channel_chain(requested: str) -> list[str]:
    """The requested channel first, then the configured fallback order."""
    return [requested] + [c for c in settings.NOTIFY_FALLBACK_ORDER if c != requested]


def next_channel(requested: str, tried: list[str], phone: str, email: str) -> str | None:
    for channel in channel_chain(requested):
        if channel not in tried and address_for(channel, phone, email):
            return channel
    return None


def notify(
    *,
    template: str,
    context: dict,
    user: Any = None,
    to_phone: str | None = None,
    to_email: str | None = None,
    channel: str | None = None,
    language: str | None = None,
) -> Message:
    """Queues one message in the caller's transaction and returns the outbox row.

    The recipient is `user` (their phone, e-mail, preferred channel and language) unless
    `to_phone`/`to_email` are given: then only those addresses are used, so a code meant to
    verify a new number or address never goes anywhere else. `channel` overrides the
    preferred channel; if it has no address the configured fallback order applies. When no
    channel has an address the row is stored as failed (visible in the admin) rather than
    raising, so a staff decision is not undone by a resident's missing contact details.
    """
    if user is None and not to_phone and not to_email:
        raise ValueError("notify() needs a user or an explicit to_phone/to_email.")
    phone, email = _addresses(user, to_phone, to_email)
    requested = _requested_channel(channel, user, phone)
    lang = _language(language or getattr(user, "preferred_language", None))
    message, skipped = _outbox_row(
        template, context, user, lang, requested, phone, email, render(template, context, lang)
    )
    pending = _batch.get()
    if pending is not None and not is_secret(template):
        # One event, one message: gathered and joined per recipient when the batch ends.
        pending.append((message, skipped))
        return message
    return _save(message, skipped, template, user)


def _outbox_row(
    template: str,
    context: dict,
    user: Any,
    lang: str,
    requested: str,
    phone: str,
    email: str,
    text: tuple[str, str],
) -> tuple[Message, list[str]]:
    """The unsaved outbox row on the first channel that has an address, and the channels
    skipped before it (recorded as skipped attempts when the row is saved)."""
    now = timezone.now()
    first = next_channel(requested, [], phone, email)
    channel = first or requested
    message = Message(
        user=user if getattr(user, "pk", None) else None,
        template=template,
        language=lang,
        requested_channel=requested,
        channel=channel,
        address=address_for(channel, phone, email),
        to_phone=phone,
        to_email=email,
        subject=text[0],
        body=text[1],
        next_attempt_at=now,
        created_at=now,
        expires_at=_expires_at(template, context, now),
    )
    chain = channel_chain(requested)
    return message, (chain[: chain.index(first)] if first else chain)


def _addresses(user: Any, to_phone: str | None, to_email: str | None) -> tuple[str, str]:
    """(phone in E.164, e-mail): the explicit ones if given, else the user's; ValueError on
    an address no transport could use."""
    if to_phone or to_email:
        phone, email = normalise_phone(to_phone), (to_email or "").strip()
    else:
        phone, email = normalise_phone(getattr(user, "phone", None)), (user.email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ValueError(f"Invalid e-mail address for a notification: {email!r}") from exc
    return phone, email


def _requested_channel(channel: str | None, user: Any, phone: str) -> str:
    requested = (
        channel
        or getattr(user, "preferred_channel", None)
        or (Channel.WHATSAPP if phone else Channel.EMAIL)
    )
    if requested not in Channel.values:
        raise ValueError(f"Unknown notification channel {requested!r}; use one of {Channel.values}")
    return requested


def _expires_at(template: str, context: dict, now: dt.datetime) -> dt.datetime | None:
    """Codes expire with their validity; other messages never do."""
    minutes = str(context.get("minutes", ""))
    if is_secret(template) and minutes.isdigit():
        return now + dt.timedelta(minutes=int(minutes))
    return None


def _save(message: Message, skipped: list[str], template: str, user: Any) -> Message:
    now = message.created_at
    if not message.address:
        message.status = Message.Status.FAILED
        message.last_error = "no phone number or e-mail address for any channel"
        logger.warning(
            "notification %s for user %s has no address", template, getattr(user, "pk", None)
        )
    message.channels_tried = ",".join(skipped)
    message.save()
    if skipped:
        Attempt.objects.bulk_create(
            [
                Attempt(
                    message=message,
                    channel=c,
                    outcome=Attempt.Outcome.SKIPPED,
                    error="no address for this channel",
                    at=now,
                )
                for c in skipped
            ]
        )
    return message


_batch: ContextVar[list[tuple[Message, list[str]]] | None] = ContextVar(
    "notification_batch", default=None
)


@contextmanager
def one_message_per_recipient() -> Iterator[None]:
    """Within this block (one transaction: one event), every notify() to the same person
    becomes one message: approving today used to send "approved", "document issued" and the
    survey invitation in the same second. The parts keep their order; the shared signature
    is written once. Codes and reset links are never joined (they expire on their own)."""
    if _batch.get() is not None:  # nested: the outer block sends
        yield
        return
    token = _batch.set([])
    try:
        yield
        pending = _batch.get() or []
    finally:
        _batch.reset(token)
    groups: dict[tuple[Any, ...], list[tuple[Message, list[str]]]] = {}
    for message, skipped in pending:
        key = (message.user_id, message.to_phone, message.to_email, message.language)
        groups.setdefault(key, []).append((message, skipped))
    for parts in groups.values():
        first, skipped = parts[0]
        if len(parts) > 1:
            first.body = _joined([m.body for m, _s in parts])
            first.subject = " · ".join(dict.fromkeys(m.subject for m, _s in parts))[:200]
            first.template = "+".join(dict.fromkeys(m.template for m, _s in parts))[:40]
        _save(first, skipped, first.template, first.user)


def _joined(bodies: list[str]) -> str:
    """The bodies one after another, their common closing lines (the signature) once."""
    split = [b.splitlines() for b in bodies]
    tail = 0
    while (
        all(len(lines) > tail for lines in split)
        and len({lines[-1 - tail] for lines in split}) == 1
    ):
        tail += 1
    signature = split[0][len(split[0]) - tail :] if tail else []
    parts = ["\n".join(lines[: len(lines) - tail]).strip() for lines in split]
    return _clean_text("\n\n".join([*parts, "\n".join(signature)]))
