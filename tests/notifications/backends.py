"""E-mail backends that fail the way SMTP servers do, for the transport's error sorting."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused(
            {email_messages[0].to[0]: (550, b"5.1.1 mailbox does not exist")}
        )


class DisconnectedBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class GreylistingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPDataError(451, b"4.7.1 greylisted, try again later")
