"""The public form that turns a typed verification code into the /verifikasi/<code> page."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CODE_ALPHABET

CODE_LENGTH = 16
# People copy the code with the spaces or dashes a printout or a chat message adds, or paste
# the whole link the QR opened; both are forgiven here so only real typos get an error.
_SEPARATORS = re.compile(r"[\s\-.]+")
_LINK = re.compile(r"/verifikasi/([^/?#\s]+)", re.IGNORECASE)


def normalise_code(raw: str) -> str:
    raw = raw.strip()
    link = _LINK.search(raw)
    if link:
        raw = link.group(1)
    return _SEPARATORS.sub("", raw).upper()


class VerifyCodeForm(forms.Form):
    kode = forms.CharField(
        label=_("Kode verifikasi"),
        max_length=200,
        strip=True,
        error_messages={"required": _("Masukkan kode verifikasi yang tercetak pada dokumen.")},
        help_text=_("16 huruf dan angka, tercetak di bawah kode QR pada dokumen."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "text",
            }
        ),
    )

    def clean_kode(self) -> str:
        code = normalise_code(self.cleaned_data["kode"])
        if any(ch in "01OIL" for ch in code):
            # The alphabet leaves these out because they are easily confused in print.
            raise forms.ValidationError(
                _(
                    "Kode verifikasi tidak memakai huruf O, I, L maupun angka 0 dan 1. "
                    "Periksa lagi kode yang tercetak pada dokumen."
                )
            )
        if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
            raise forms.ValidationError(
                _(
                    "Kode verifikasi terdiri dari 16 huruf dan angka. Periksa lagi kode yang "
                    "tercetak di bawah kode QR pada dokumen."
                )
            )
        return code
