"""Finds interface text shown in the other language, as pages are rendered.

On an English page, a msgid counts as untranslated when no English catalogue has it and it is
not another package's own (English) msgid, which those packages translate into Indonesian. On
an Indonesian page, an English msgid counts when no Indonesian catalogue translates it (the
project's own msgids are Indonesian; words the same in both are in SAME_IN_BOTH). Used by
tests/backoffice/test_human_words.py and tests/web/test_admin_words.py."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.utils import translation
from django.utils.translation import trans_real


def _known(msgid: str, plural: bool, context: str | None = None) -> bool:
    """A msgid is known when the English catalogue translates it (the project's Indonesian
    msgids) or the Indonesian one does (other packages' English msgids, and the few the
    project translates into Indonesian in locale/id). Anything else shows as written
    whatever the page's language: English on an Indonesian page ("Task Results"),
    Indonesian on an English one."""
    key_id = f"{context}\x04{msgid}" if context else msgid
    keys = [(key_id, 0)] if plural else [key_id]
    en = trans_real.translation("en")._catalog
    foreign = trans_real.translation("id")._catalog
    if any(k in foreign for k in keys):
        return True
    if (translation.get_language() or "").startswith("id"):
        # An English msgid "translated" into English is still English on an Indonesian page.
        return any(k in en and en[k] != msgid for k in keys) or msgid.lower() in SAME_IN_BOTH
    return any(k in en for k in keys)


# Words written the same in Indonesian and English: names, and terms the English text keeps.
SAME_IN_BOTH = {
    "admin",
    "api",
    "bahasa indonesia",
    "desa",
    "desa/kelurahan",
    "diploma i/ii",
    "e-ktp",
    "e-mail",
    "islam",
    "jemput bola",
    "kecamatan",
    "kelurahan",
    "kk",
    "nik",
    "operator",
    "pak semmok",
    "perekaman",
    "rt",
    "rw",
    "sms",
    "status",
    "supervisor",
    "totp",
    "whatsapp",
    "worker",
}


@contextmanager
def untranslated_msgids() -> Iterator[set[str]]:
    """Collects, while active, the msgids looked up (in English or Indonesian) that have no
    translation into the other language."""
    missing: set[str] = set()
    trans = translation._trans
    originals = {
        name: getattr(trans, name) for name in ("gettext", "ngettext", "pgettext", "npgettext")
    }

    def checked() -> bool:
        return (translation.get_language() or "").split("-")[0] in {"en", "id"}

    def gettext(message: str) -> str:
        if checked() and message and not _known(message, False):
            missing.add(message)
        return originals["gettext"](message)

    def ngettext(singular: str, plural: str, number: Any) -> str:
        if checked() and not _known(singular, True):
            missing.add(singular)
        return originals["ngettext"](singular, plural, number)

    def pgettext(context: str, message: str) -> str:
        if checked() and not _known(message, False, context):
            missing.add(f"{context}|{message}")
        return originals["pgettext"](context, message)

    def npgettext(context: str, singular: str, plural: str, number: Any) -> str:
        if checked() and not _known(singular, True, context):
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
