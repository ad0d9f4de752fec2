"""Public pages are served whole from the shared cache to visitors who are not signed in
(web/page_cache.py): never to someone signed in, never with another visitor's CSRF token,
and fresh as soon as an admin edits the catalogue."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from paksemmok.catalog.models import Service

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def token_in(response) -> str:
    match = TOKEN.search(response.content.decode())
    assert match, "the page has the language form and its CSRF token"
    return match.group(1)


def test_second_anonymous_view_is_served_from_the_cache(client, monkeypatch):
    from paksemmok.web import views

    url = reverse("web:home")
    first = client.get(url)
    rendered = []
    monkeypatch.setattr(views, "render", lambda *a, **k: rendered.append(a) or None)
    second = client.get(url)
    assert rendered == [], "the view did not run"
    assert second.status_code == 200
    assert TOKEN.sub("", second.content.decode()) == TOKEN.sub("", first.content.decode())
    assert "Cookie" in second["Vary"]


def test_each_visitor_gets_their_own_working_csrf_token():
    url = reverse("catalog:services")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_token = token_in(first.get(url))
    with CaptureQueriesContext(connection) as queries:
        page = second.get(url)
    assert not [q for q in queries if "catalog_" in q["sql"]], "served from the cache"
    assert first_token not in page.content.decode()
    second_token = token_in(page)
    assert second_token != first_token
    assert second.cookies["csrftoken"].value != first.cookies["csrftoken"].value
    # Each token works with its own visitor's cookie (the language form posts it)...
    for visitor, token in ((second, second_token), (first, first_token)):
        answer = visitor.post(
            reverse("set_language"), {"language": "id", "csrfmiddlewaretoken": token}
        )
        assert answer.status_code == 302
    # ...and not with the other's.
    refused = second.post(
        reverse("set_language"), {"language": "id", "csrfmiddlewaretoken": first_token}
    )
    assert refused.status_code == 403


def test_signed_in_visitors_never_get_or_leave_a_cached_page(client, agus_user):
    url, sign_out = reverse("catalog:services"), reverse("accounts:logout")
    anonymous = Client()
    assert sign_out not in anonymous.get(url).content.decode()  # stored
    client.force_login(agus_user)
    signed_in = client.get(url).content.decode()
    assert sign_out in signed_in and reverse("applications:mine") in signed_in
    # The signed-in page was not stored for anonymous visitors either.
    again = anonymous.get(url).content.decode()
    assert sign_out not in again and reverse("applications:mine") not in again


def test_an_admin_edit_replaces_the_cached_page(admin_client):
    url = reverse("catalog:service", args=["ektp"])
    visitor = Client()
    assert "Cetak ulang khusus admin" not in visitor.get(url).content.decode()
    service = Service.objects.get(code="ektp")
    variants = list(service.variants.order_by("id"))
    data = {
        "code": service.code,
        "name": service.name,
        "description": "Cetak ulang khusus admin",
        "order": service.order,
        "is_active": "on",
        "variants-TOTAL_FORMS": len(variants),
        "variants-INITIAL_FORMS": len(variants),
        "variants-MIN_NUM_FORMS": 0,
        "variants-MAX_NUM_FORMS": 1000,
    }
    for i, v in enumerate(variants):
        data |= {
            f"variants-{i}-id": v.pk,
            f"variants-{i}-service": service.pk,
            f"variants-{i}-order": v.order,
            f"variants-{i}-code": v.code,
            f"variants-{i}-name": v.name,
            f"variants-{i}-output": v.output,
            f"variants-{i}-deadline_hours": v.deadline_hours,
            f"variants-{i}-is_active": "on" if v.is_active else "",
        }
    answer = admin_client.post(reverse("admin:catalog_service_change", args=[service.pk]), data)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert "Cetak ulang khusus admin" in visitor.get(url).content.decode()


def test_each_language_has_its_own_page():
    url = reverse("web:home")
    indonesian = Client().get(url, headers={"accept-language": "id"})
    english = Client().get(url, headers={"accept-language": "en"})
    again = Client().get(url, headers={"accept-language": "id"})
    assert indonesian["Content-Language"] == "id" and english["Content-Language"] == "en"
    assert english.content != again.content
    assert TOKEN.sub("", again.content.decode()) == TOKEN.sub("", indonesian.content.decode())


def test_query_strings_and_messages_are_not_cached(client, monkeypatch):
    from paksemmok.web import views

    url = reverse("web:home")
    client.get(url)
    calls = []
    real = views.render
    monkeypatch.setattr(views, "render", lambda *a, **k: calls.append(1) or real(*a, **k))
    client.get(url + "?utm=x")
    client.cookies["messages"] = "anything"
    client.get(url)
    assert len(calls) == 2


def test_answers_that_write_the_session_or_set_cookies_are_not_stored(rf):
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponse

    from paksemmok.web.page_cache import cacheable_response

    request = rf.get("/")
    request.session = SessionStore()
    assert cacheable_response(request, HttpResponse("ok"))
    request.session["seen"] = True
    assert not cacheable_response(request, HttpResponse("ok"))
    request.session = SessionStore()
    with_cookie = HttpResponse("ok")
    with_cookie.set_cookie("x", "1")
    assert not cacheable_response(request, with_cookie)
    assert not cacheable_response(request, HttpResponse("no", status=404))
    private = HttpResponse("ok")
    private["Cache-Control"] = "private"
    assert not cacheable_response(request, private)
