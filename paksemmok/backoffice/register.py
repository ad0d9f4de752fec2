"""The staff register look-up for counter service: a resident by NIK, a KK by its number, or
residents by name (optionally within a kecamatan), shown with their KK members.

Always POST: no NIK or No. KK ever travels in a URL (server logs, browser history, Referer).
A resident picked from a name list is named by a signed, short-lived token, not their NIK.
Every result shown is an audited read with the purpose the officer typed (UU 27/2022 PDP).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from paksemmok.accounts.models import User
from paksemmok.accounts.permissions import role_required
from paksemmok.audit.reads import audited_reads
from paksemmok.population.queries import (
    RegisterSearch,
    resident_with_family_by_id,
    search_register,
)

from .queues import queue_choices

PICK_SALT = "backoffice.register.pick"
PICK_MAX_AGE = 15 * 60


class LookupForm(forms.Form):
    query = forms.CharField(label=gettext_lazy("NIK, No. KK atau nama"), max_length=120, strip=True)
    kecamatan = forms.ChoiceField(label=gettext_lazy("Kecamatan"), required=False)
    purpose = forms.CharField(
        label=gettext_lazy("Keperluan"),
        max_length=200,
        help_text=gettext_lazy("Dicatat di log akses data pribadi, mis. layanan loket."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The queue's per-process copy of the regency's kecamatans: no query per page.
        kecamatans = queue_choices().kecamatans
        self.fields["kecamatan"].choices = [("", "—")] + [
            (k["code"], k["name"]) for k in kecamatans
        ]


def _audit(request: HttpRequest, found: RegisterSearch, purpose: str) -> None:
    if found.residents:
        audited_reads(
            request, found.residents, purpose, what="register.lookup", details={"by": found.kind}
        )


def _picked(request: HttpRequest, form: LookupForm) -> tuple[RegisterSearch | None, Any]:
    """A name chosen from the list: the token names the row, the purpose comes along."""
    try:
        pk = signing.loads(request.POST["pick"], salt=PICK_SALT, max_age=PICK_MAX_AGE)
    except signing.BadSignature:
        pk = None
    resident = resident_with_family_by_id(pk) if isinstance(pk, int) else None
    if resident is None or not form.is_valid():
        return None, None
    found = RegisterSearch("pick", [resident, *resident.kk_members])
    _audit(request, found, form.cleaned_data["purpose"])
    return found, resident


def _searched(request: HttpRequest, form: LookupForm) -> tuple[RegisterSearch | None, Any]:
    if not form.is_valid():
        return None, None
    data = form.cleaned_data
    found = search_register(data["query"], kecamatan=data["kecamatan"])
    shown = None
    if found.kind == "nik":
        shown = found.residents[0]
        found.residents = [shown, *(m for m in shown.kk_members if m.pk != shown.pk)]
    _audit(request, found, data["purpose"])
    return found, shown


def _results(found: RegisterSearch | None, shown: Any) -> dict[str, Any]:
    if found is None:
        return {
            "found": None,
            "shown": None,
            "members": [],
            "rows": [],
            "too_short": False,
            "nothing": False,
        }
    rows = []
    if found.kind == "name":
        rows = [
            {"r": r, "pick": signing.dumps(r.pk, salt=PICK_SALT, compress=True)}
            for r in found.residents
        ]
    # A resident shown with their KK; a KK found by its number; nothing for a name list.
    members = shown.kk_members if shown else found.residents if found.kind == "kk" else []
    return {
        "found": found,
        "shown": shown,
        "members": members,
        "rows": rows,
        "too_short": found.kind == "none",
        "nothing": found.kind != "none" and not found.residents,
    }


@never_cache
@role_required(*User.DECIDING_ROLES)
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.POST or None)
    found, shown = None, None
    if request.method == "POST":
        found, shown = (_picked if request.POST.get("pick") else _searched)(request, form)
    return render(
        request,
        "backoffice/register_lookup.html",
        {"form": form, **_results(found, shown), "title": _("Cari penduduk")},
    )
