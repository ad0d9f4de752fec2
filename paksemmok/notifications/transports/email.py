"""E-mail through Django's configured EMAIL_BACKEND, with SMTP errors sorted into two kinds."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.mail.message import make_msgid
from django.core.validators import validate_email

from ..models import Channel, Message
from . import PermanentError, TransientError, Transport


class EmailTransport(Transport):
    channel = Channel.EMAIL

    def send(self, message: Message) -> str:
        try:
            validate_email(message.address)
        except ValidationError as exc:
            raise PermanentError(f"invalid e-mail address: {message.address!r}") from exc
        message_id = make_msgid(domain=settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">"))
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.address],
            headers={"Message-ID": message_id, "X-Paksemmok-Message": str(message.key)},
            connection=get_connection(fail_silently=False),
        )
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentError(f"recipient refused: {_first_reply(exc.recipients)}") from exc
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError) as exc:
            raise TransientError(f"SMTP connection: {exc}") from exc
        except (smtplib.SMTPSenderRefused, smtplib.SMTPAuthenticationError) as exc:
            # Our own configuration is wrong: every message would fail the same way, so wait
            # for an operator instead of marking residents' addresses as bad.
            raise TransientError(f"SMTP configuration: {exc}") from exc
        except smtplib.SMTPResponseException as exc:
            text = f"SMTP {exc.smtp_code}: {exc.smtp_error!r}"
            if 500 <= exc.smtp_code < 600:
                raise PermanentError(text) from exc
            raise TransientError(text) from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise TransientError(f"SMTP: {type(exc).__name__}: {exc}") from exc
        return message_id


def _first_reply(recipients: dict) -> str:
    for address, (code, reply) in recipients.items():
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        return f"{address} {code} {text}"
    return ""
