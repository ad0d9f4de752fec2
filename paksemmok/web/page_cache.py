"""Whole public pages cached for anonymous visitors, in the shared cache.

The home page and the catalogue are the same for every visitor who is not signed in, and
change only when an admin edits the catalogue (or a release changes templates). Rendering
them (and running every middleware below this one: authentication, second factor, acting
for, messages, CSP, htmx, axes) cost several times a bare page, so this middleware answers
them from the cache.

What it never does:
- serve or store a page for a request that carries a session cookie (anyone signed in, or
  with a flash message waiting) or a messages cookie, an htmx request, a request with a
  query string, or anything but GET/HEAD;
- store an answer that is not a plain 200, sets a cookie of its own or writes to the
  session, or says it must not be cached (never_cache, private);
- hand one visitor another's CSRF token: the page is stored cut where its token stood and
  served joined with the visitor's own fresh token (`get_token`, which also renews their
  CSRF cookie through CsrfViewMiddleware, above this one).

Entries carry the catalogue version (catalog.caching) they were built under: an admin edit
writes a new version, so every process serves the new page from its next request. The key
holds the language and a fingerprint of the templates and translations this process runs,
so a release never serves the previous release's pages.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache as shared_cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from paksemmok.catalog import caching

TOKEN_IN_PAGE = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
# Headers worth keeping; the middleware above this one adds its own again on every answer.
# Pages kept in each process's memory (their version is still checked on every request).
LOCAL_ENTRIES = 64
KEPT_HEADERS = ("Content-Type", "X-Frame-Options", "Content-Security-Policy", "Cache-Control")


@cache
def release() -> str:
    """A fingerprint of the templates and compiled translations (names, sizes, times)."""
    digest = hashlib.sha256()
    roots = [Path(settings.BASE_DIR) / "templates", Path(settings.BASE_DIR) / "paksemmok"]
    roots += [Path(p) for p in settings.LOCALE_PATHS]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in (".html", ".mo", ".txt"):
                stat = path.stat()
                digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and "HTTP_HX_REQUEST" not in request.META
    )


def cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    control = response.get("Cache-Control", "")
    session = getattr(request, "session", None)
    return (
        # A view that wrote to a new visitor's session gives them a cookie (set above us).
        not (session is not None and session.modified)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not any(word in control for word in ("private", "no-cache", "no-store"))
    )


class AnonymousPageCacheMiddleware:
    """Place after CsrfViewMiddleware (which reads the visitor's CSRF cookie and renews it)
    and LocaleMiddleware (which picks the language), before AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.views = frozenset(settings.PUBLIC_PAGE_CACHE_VIEWS)
        self.local: dict[str, dict] = {}

    def _keep(self, key: str, entry: dict) -> None:
        if key not in self.local and len(self.local) >= LOCAL_ENTRIES:
            self.local.clear()  # a handful of pages and languages: never reached in practice
        self.local[key] = entry

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.views or not cacheable_request(request):
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        if match.view_name not in self.views:
            return self.get_response(request)
        key = f"page:{release()}:{get_language()}:{request.path}"
        # The version always comes from the shared cache (an edit in any process shows at
        # once); the page itself, once seen, from this process's memory.
        entry = self.local.get(key)
        if entry is None:
            found = shared_cache.get_many([caching.VERSION_KEY, key])
            version, entry = found.get(caching.VERSION_KEY), found.get(key)
        else:
            version = shared_cache.get(caching.VERSION_KEY)
        if entry is not None and version is not None and entry["version"] == version:
            self._keep(key, entry)
            request.resolver_match = match  # for the metrics middleware's label
            return self._answer(request, entry)
        version = caching.version()
        response = self.get_response(request)
        if cacheable_response(request, response):
            self._store(key, version, response)
        return response

    def _store(self, key: str, version: str, response: HttpResponse) -> None:
        content = response.content
        token = TOKEN_IN_PAGE.search(content.decode(response.charset))
        # The page cut where its token stood: serving joins the pieces with the visitor's.
        parts = content.split(token.group(1).encode()) if token else [content]
        entry = {
            "version": version,
            "headers": {h: response[h] for h in KEPT_HEADERS if h in response},
            "parts": parts,
        }
        shared_cache.set(key, entry, settings.PUBLIC_PAGE_CACHE_SECONDS)

    def _answer(self, request: HttpRequest, entry: dict) -> HttpResponse:
        parts = entry["parts"]
        content = get_token(request).encode().join(parts) if len(parts) > 1 else parts[0]
        response = HttpResponse(content)
        for header, value in entry["headers"].items():
            response[header] = value
        # The page differs for a signed-in visitor: shared HTTP caches must tell them apart.
        patch_vary_headers(response, ("Cookie",))
        return response
