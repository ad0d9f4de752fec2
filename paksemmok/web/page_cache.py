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
- store an answer that is not a plain 200, sets a cookie of its own, or says it must not be
  cached (never_cache, private);
- hand one visitor another's CSRF token: the page's token is replaced by a marker when it is
  stored and by the visitor's own fresh token (`get_token`, which also renews their CSRF
  cookie through CsrfViewMiddleware, above this one) when it is served.

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

MARKER = "__paksemmok_csrf_token__"
TOKEN_IN_PAGE = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
# Headers worth keeping; the middleware above this one adds its own again on every answer.
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


def cacheable_response(response: HttpResponse) -> bool:
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
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
        found = shared_cache.get_many([caching.VERSION_KEY, key])
        version, entry = found.get(caching.VERSION_KEY), found.get(key)
        if entry is not None and version is not None and entry["version"] == version:
            request.resolver_match = match  # for the metrics middleware's label
            return self._answer(request, entry)
        version = caching.version()
        response = self.get_response(request)
        if cacheable_response(response):
            self._store(key, version, response)
        return response

    def _store(self, key: str, version: str, response: HttpResponse) -> None:
        content = response.content.decode(response.charset)
        token = TOKEN_IN_PAGE.search(content)
        if token:
            content = content.replace(token.group(1), MARKER)
        entry = {
            "version": version,
            "headers": {h: response[h] for h in KEPT_HEADERS if h in response},
            "content": content,
        }
        shared_cache.set(key, entry, settings.PUBLIC_PAGE_CACHE_SECONDS)

    def _answer(self, request: HttpRequest, entry: dict) -> HttpResponse:
        content = entry["content"]
        if MARKER in content:
            content = content.replace(MARKER, get_token(request))
        response = HttpResponse(content)
        for header, value in entry["headers"].items():
            response[header] = value
        # The page differs for a signed-in visitor: shared HTTP caches must tell them apart.
        patch_vary_headers(response, ("Cookie",))
        return response
