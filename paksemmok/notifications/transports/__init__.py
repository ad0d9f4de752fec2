"""One small transport per channel behind one interface.

`Transport.send(message)` returns the provider's message id (or "") and raises
`TransientError` (try again later) or `PermanentError` (this channel will never work for this
message, fall back). The delivery loop decides what happens next; transports only classify.
"""

from __future__ import annotations

from django.conf import settings

from ..models import Channel, Message


class DeliveryError(Exception):
    pass


class TransientError(DeliveryError):
    """Timeouts, connection errors, HTTP 5xx/429: worth another try after a pause."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(DeliveryError):
    """The provider refused this recipient or payload: retrying the same channel is useless."""


class Transport:
    channel: str = ""

    def send(self, message: Message) -> str:
        raise NotImplementedError


def get_transport(channel: str) -> Transport | None:
    """The transport configured for `channel`, or None when the channel is not available here."""
    from .console import ConsoleTransport
    from .email import EmailTransport
    from .http import HttpGatewayTransport

    if channel == Channel.EMAIL:
        return EmailTransport()
    gateway = {Channel.WHATSAPP: settings.WHATSAPP_GATEWAY, Channel.SMS: settings.SMS_GATEWAY}.get(
        channel  # type: ignore[call-overload]
    )
    if gateway is None:
        return None
    if gateway.get("URL"):
        return HttpGatewayTransport(channel, gateway)
    if settings.NOTIFY_CONSOLE:
        return ConsoleTransport(channel)
    return None


__all__ = [
    "DeliveryError",
    "PermanentError",
    "TransientError",
    "Transport",
    "get_transport",
]
