"""The admin's reads of personal data, audited like every other staff read; and admin
searches that never put what was searched for (a NIK, a phone number) into a URL.

`AuditedReadsMixin` goes first in a ModelAdmin's bases:

    class ResidentAdmin(AuditedReadsMixin, admin.ModelAdmin): ...

It records one `personal_data.read` entry per list or search page (which rows were shown,
the search term masked) and one per object opened (change and history pages).

Its search terms travel by POST (templates/admin/search_form.html) and come back in the URL
as an opaque `q=~<token>` kept in the session, so pagination, sorting and filter links carry
the token, not the term.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.contrib.admin.views.main import SEARCH_VAR, ChangeList
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import urlencode

from .ip import client_ip
from .log import record
from .masking import mask_number
from .reads import READ_ACTION, audited_read

PURPOSE = "Django admin"
SESSION_KEY = "admin_search_terms"
SEARCH_POST_FIELD = "_search_post"
TOKEN_PREFIX = "~"  # noqa: S105 (marks a search token, not a secret)
KEEP_TERMS = 20
_DIGITS = re.compile(r"\d{4,}")


def mask_search_term(term: str) -> str:
    """What was searched for, recognisable to its owner but not reusable: every number of 4+
    digits keeps its first and last two digits (a NIK its first four and last four), every
    word its first letter."""

    def digits(m: re.Match) -> str:
        value = m.group(0)
        if len(value) == 16:
            return mask_number(value)
        return value[:2] + "*" * (len(value) - 4) + value[-2:]

    words = []
    for word in str(term).split():
        if _DIGITS.search(word):
            words.append(_DIGITS.sub(digits, word))
        else:
            words.append(word[:1] + "*" * (len(word) - 1))
    return " ".join(words)


def _store_term(request: HttpRequest, term: str) -> str:
    terms = dict(request.session.get(SESSION_KEY, {}))
    token = TOKEN_PREFIX + secrets.token_urlsafe(6)
    terms[token] = term
    # Keep the newest few only: the session is not a search history.
    request.session[SESSION_KEY] = dict(list(terms.items())[-KEEP_TERMS:])
    return token


def _term_for(request: HttpRequest, token: str) -> str:
    return request.session.get(SESSION_KEY, {}).get(token, "")


def search_redirect(request: HttpRequest) -> HttpResponse | None:
    """The redirect that replaces a search term with a token, when one is needed."""
    if request.method == "POST" and request.POST.get(SEARCH_POST_FIELD):
        params = {
            key: value
            for key, value in request.POST.items()
            if key not in {SEARCH_VAR, SEARCH_POST_FIELD, "csrfmiddlewaretoken"}
        }
        term = request.POST.get(SEARCH_VAR, "").strip()
        if term.startswith(TOKEN_PREFIX):
            term = _term_for(request, term)
        if term:
            params[SEARCH_VAR] = _store_term(request, term)
        return HttpResponseRedirect(f"{request.path}?{urlencode(params)}")
    raw = request.GET.get(SEARCH_VAR, "").strip()
    if raw and not raw.startswith(TOKEN_PREFIX):
        # A typed or old URL with the term: continue with a token instead.
        params = request.GET.copy()
        params[SEARCH_VAR] = _store_term(request, raw)
        return HttpResponseRedirect(f"{request.path}?{params.urlencode()}")
    return None


class TokenSearchChangeList(ChangeList):
    """The URL (and so every link the list builds) holds the token; the search runs with the
    term it stands for, so ModelAdmin.get_search_results sees the real term."""

    def get_queryset(self, request, exclude_parameters=None):
        token = self.query
        if token.startswith(TOKEN_PREFIX):
            self.query = _term_for(request, token)
        try:
            return super().get_queryset(request, exclude_parameters)
        finally:
            self.query = token


class AuditedReadsMixin:
    """Audits the admin's list/search, change and history pages of a model with personal
    data, and keeps its search terms out of URLs. Put it before admin.ModelAdmin."""

    # Read by templates/admin/search_form.html: this list's search box posts.
    search_by_post = True

    def get_changelist(self, request: HttpRequest, **kwargs: Any):
        return TokenSearchChangeList

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        redirect = search_redirect(request)
        if redirect is not None:
            return redirect
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None and changelist.query.startswith(TOKEN_PREFIX):
            # The box shows the term itself (in the page, never in a URL).
            changelist.query = _term_for(request, changelist.query)
        if request.method == "GET" and changelist is not None:
            details: dict[str, Any] = {
                "path": request.path,
                "view": "list",
                "model": self.model._meta.label_lower,
                "count": changelist.result_count,
                "object_ids": [str(obj.pk) for obj in changelist.result_list],
            }
            if changelist.query:
                details["search"] = mask_search_term(changelist.query)
            record(
                READ_ACTION,
                actor=request.user,
                purpose=PURPOSE,
                details=details,
                ip_address=client_ip(request),
            )
        return response

    def _audit_object(self, request: HttpRequest, object_id: str, what: str) -> None:
        if request.method != "GET":
            return
        obj = self.get_object(request, object_id)
        if obj is not None:
            audited_read(request, obj, purpose=PURPOSE, what=what)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._audit_object(request, object_id, "admin:change")
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._audit_object(request, object_id, "admin:history")
        return super().history_view(request, object_id, extra_context)
