"""Masked NIK and No. KK, for whatever shows or records a number without revealing it: the
audit log's search terms, the resident's pages, exports and issued documents."""

from __future__ import annotations

import re

# What people type or print inside a NIK or No. KK (population.identifiers.clean_number).
SEPARATORS = re.compile(r"[\s.\-]")


def mask_number(value: str) -> str:
    """`3319 **** **** 0012`: enough to recognise one's own number, useless to a fraudster."""
    value = SEPARATORS.sub("", str(value or ""))
    if len(value) != 16:
        return "****"
    return f"{value[:4]} **** **** {value[12:]}"
