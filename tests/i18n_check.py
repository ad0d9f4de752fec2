"""Finds interface text that has no English translation, as pages are rendered.

A msgid counts as untranslated when rendering in English finds it in no English catalogue
and it is not another package's own (English) msgid, which those packages translate into
Indonesian. Used by tests/web/test_human_words.py."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.utils import translation
from django.utils.translation import trans_real


def _known(msgid: str, plural: bool, context: str | None = None) -> bool:
    key_id = f"{context}\x04{msgid}" if context else msgid
    keys = [(key_id, 0)] if plural else [key_id]
    en = trans_real.translation("en")._catalog
    foreign = trans_real.translation("id")._catalog
    return any(k in en or k in foreign for k in keys)


@contextmanager
def untranslated_msgids() -> Iterator[set[str]]:
    """Collects, while active, the msgids looked up in English that have no translation."""
    missing: set[str] = set()
    trans = translation._trans
    originals = {
        name: getattr(trans, name) for name in ("gettext", "ngettext", "pgettext", "npgettext")
    }

    def english() -> bool:
        return (translation.get_language() or "").startswith("en")

    def gettext(message: str) -> str:
        if english() and message and not _known(message, False):
            missing.add(message)
        return originals["gettext"](message)

    def ngettext(singular: str, plural: str, number: Any) -> str:
        if english() and not _known(singular, True):
            missing.add(singular)
        return originals["ngettext"](singular, plural, number)

    def pgettext(context: str, message: str) -> str:
        if english() and not _known(message, False, context):
            missing.add(f"{context}|{message}")
        return originals["pgettext"](context, message)

    def npgettext(context: str, singular: str, plural: str, number: Any) -> str:
        if english() and not _known(singular, True, context):
            missing.add(f"{context}|{singular}")
        return originals["npgettext"](context, singular, plural, number)

    for name, fn in (
        ("gettext", gettext),
        ("ngettext", ngettext),
        ("pgettext", pgettext),
        ("npgettext", npgettext),
    ):
        setattr(trans, name, fn)
    try:
        yield missing
    finally:
        for name, fn in originals.items():
            setattr(trans, name, fn)
