"""Development transport: prints WhatsApp/SMS messages so a demo user can read their code."""

from __future__ import annotations

import sys
import uuid
from typing import TextIO

from ..models import Message, mask_address
from . import Transport


class ConsoleTransport(Transport):
    def __init__(self, channel: str, stream: TextIO | None = None) -> None:
        self.channel = channel
        self.stream = stream

    def send(self, message: Message) -> str:
        stream = self.stream or sys.stdout
        line = "-" * 60
        stream.write(
            f"{line}\n[{self.channel.upper()} → {mask_address(message.address)}] "
            f"({message.template})\n{message.body}\n{line}\n"
        )
        stream.flush()
        return f"console-{uuid.uuid4().hex[:12]}"
