"""Log formatters that never write a NIK, a No. KK or a phone number (UU 27/2022 PDP).

The redaction runs on the finished line, so messages, arguments, extra fields and tracebacks
are all covered, whoever logged them. LOG_FORMAT=json gives one JSON object per line
(python-json-logger) for a log collector; the default stays readable text.
"""

from __future__ import annotations

import logging
import re

from pythonjsonlogger.json import JsonFormatter

# 16 digits (NIK, No. KK), also written in groups of four; Indonesian mobile numbers in
# local (08...) or international (+62 8..., 628...) form.
_NUMBER16 = re.compile(r"(?<!\d)\d{4}[ .-]?\d{4}[ .-]?\d{4}[ .-]?\d{4}(?!\d)")
_PHONE = re.compile(r"(?<![\d])(?:\+62|62|0)[ -]?8\d(?:[ -]?\d){6,11}(?!\d)")


def redact(text: str) -> str:
    return _PHONE.sub("[telepon]", _NUMBER16.sub("[nomor]", text))


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class RedactingJsonFormatter(JsonFormatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))
