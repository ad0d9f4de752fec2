"""The page chrome (templates/base.html's header links, footer links, language buttons) is
rendered once per process, language and role and then served from the "fragments" cache:
each role and language must still get its own, and nothing per-request may be cached."""

import re
from unittest import mock

import pytest
from django import urls
from django.test import Client

pytestmark = pytest.mark.django_db


def _nav(response) -> str:
    return _nav_of(response.content.decode())


def _nav_of(html: str) -> str:
    return html[html.index('class="main-nav"') : html.index("</nav>")]


def test_each_role_gets_its_own_links_from_one_warm_cache(client, agus_user, budi):
    anonymous = _nav(client.get("/"))
    assert "Masuk" in anonymous and "Keluar" not in anonymous

    client.force_login(agus_user)
    resident = _nav(client.get("/layanan/"))
    assert "Dokumen saya" in resident and "Antrean" not in resident and "Keluar" in resident

    client.force_login(budi)
    operator = _nav(client.get("/layanan/"))
    assert "Antrean" in operator and "Dokumen saya" not in operator
    # An operator is not a supervisor: no overview or revocation links.
    assert "Ringkasan" not in operator and "Cabut dokumen" not in operator

    client.logout()
    assert "Dokumen saya" not in _nav(client.get("/"))


def test_each_language_gets_its_own_chrome(client, agus_user):
    client.force_login(agus_user)
    indonesian = client.get("/layanan/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/layanan/").content.decode()
    assert "Permohonan saya" in indonesian and "My applications" not in indonesian
    assert "Sign out" in _nav_of(english) and "Keluar" not in _nav_of(english)
    assert "Service requirements" in english  # the footer's links
    assert re.search(r'value="en"[^>]*aria-current="true"', english)
    assert re.search(r'value="id"[^>]*aria-current="true"', indonesian)


def test_sign_out_uses_this_requests_token_not_a_cached_one(agus_user, eko_user):
    # The first visitor fills the cache; the second must still get a form that works.
    first = Client(enforce_csrf_checks=True)
    first.force_login(eko_user)
    first.get("/layanan/")
    second = Client(enforce_csrf_checks=True)
    second.force_login(agus_user)
    html = second.get("/layanan/").content.decode()
    form = html[html.index('action="/akun/keluar/"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = second.post("/akun/keluar/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert second.get("/akun/profil/").status_code == 302  # signed out: sent to sign in


def test_language_switch_keeps_the_page_it_was_used_on(client):
    client.get("/")
    html = client.get("/layanan/?x=1").content.decode()
    assert 'name="next" type="hidden" value="/layanan/?x=1"' in html


def test_a_warm_page_reverses_no_chrome_url(client, agus_user):
    client.force_login(agus_user)
    # {% url %} imports reverse() from django.urls when it renders.
    with mock.patch.object(urls, "reverse", wraps=urls.reverse) as cold:
        client.get("/akun/profil/")
    with mock.patch.object(urls, "reverse", wraps=urls.reverse) as warm:
        client.get("/akun/profil/")
    # Cold: the header's and footer's links; warm: only the page's own and the forms'.
    assert cold.call_count - warm.call_count >= 8


def test_a_changed_setting_is_not_served_from_old_chrome(client, settings, agus_user):
    # Signed in: public pages for visitors come from the page cache, a different layer.
    client.force_login(agus_user)
    client.get("/layanan/")
    settings.SERVICE_NAME = "Layanan Uji Coba"
    assert "<strong>Layanan Uji Coba</strong>" in client.get("/layanan/").content.decode()
