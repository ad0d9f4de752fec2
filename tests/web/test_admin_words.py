"""Issue 15 item 5, the admin: every page staff use reads in one language, Indonesian or
English, never the other one's words ("Search", "Show all", result counts, app names)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from paksemmok.applications.models import Application
from paksemmok.notifications.models import Message
from tests.cast import birth_answers, submitted
from tests.i18n_check import SAME_IN_BOTH, untranslated_msgids

pytestmark = pytest.mark.django_db

# Model names a package fixes in its own migrations (changing them would need one there).
PACKAGE_MODEL_NAMES = {"TOTP device", "TOTP devices"}


def _text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _admin_pages(client, user, family) -> dict[str, str]:
    """Every list in the admin, its add page, its first record and that record's history, a
    search, filters."""
    request = RequestFactory().get("/")
    request.user = user
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        first = model.objects.order_by("pk").first()
        if first is not None:
            urls += [
                reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[first.pk])
                for view in ("change", "history")
            ]
    urls += [
        reverse("admin:accounts_user_changelist") + "?role__exact=operator",
        reverse("admin:catalog_variant_changelist") + "?q=akta",
    ]
    pages = {url: client.get(url, follow=True).content.decode() for url in urls}
    # Lists of personal data are searched by POST (no NIK in a URL): the answer's page.
    search = reverse("admin:population_resident_changelist")
    response = client.post(search, {"q": family.agus.full_name, "_search_post": "1"}, follow=True)
    pages["resident search"] = response.content.decode()
    return pages


@pytest.fixture
def some_records(family, agus_user):
    submitted(agus_user, "akta-kelahiran", answers=birth_answers())
    assert Application.objects.exists() and Message.objects.exists()


@pytest.mark.parametrize("language", ["id", "en"])
def test_admin_pages_have_no_words_of_the_other_language(
    admin_client, admin_user, family, some_records, language
):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with untranslated_msgids() as missing:
        pages = _admin_pages(admin_client, admin_user, family)
    assert sorted(missing) == [], "\n".join(sorted(missing))
    for url, html in pages.items():
        assert "{#" not in html and "#}" not in html, url
    html = pages["resident search"]
    search = _text(html)
    if language == "id":
        assert 'value="Cari"' in html and 'alt="Cari"' in html
        assert "1 hasil" in search and "Tampilkan semua" in search
    else:
        assert 'value="Search"' in html and 'alt="Search"' in html
        assert "1 result" in search and "Show all" in search


def test_every_admin_app_and_model_has_a_name_in_both_languages():
    untranslated = []
    for model in admin.site._registry:
        opts = model._meta
        for name in (opts.app_config.verbose_name, opts.verbose_name_plural):
            with translation.override("id"):
                indonesian = str(name)
            with translation.override("en"):
                english = str(name)
            same_by_nature = indonesian.lower() in SAME_IN_BOTH | {
                n.lower() for n in PACKAGE_MODEL_NAMES
            }
            if indonesian == english and not same_by_nature:
                untranslated.append(f"{opts.label}: {indonesian}")
    assert untranslated == []
