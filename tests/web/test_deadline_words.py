"""Issue 15 item 3: every page that promises a time says what the deadline counts: 24 clock
hours by default, working hours with BACKOFFICE_DEADLINE_MODE=working."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from paksemmok.catalog.models import Service

pytestmark = pytest.mark.django_db


def _pages(client) -> dict[str, str]:
    service = Service.objects.order_by("pk").first()
    urls = [
        "/",
        reverse("catalog:services"),
        reverse("catalog:service", args=[service.code]),
        reverse("reports:standard"),
    ]
    return {url: re.sub(r"\s+", " ", client.get(url).content.decode()) for url in urls}


@pytest.mark.parametrize("mode", ["clock", "working"])
def test_every_promise_follows_the_deadline_mode(client, settings, mode):
    settings.BACKOFFICE_DEADLINE_MODE = mode
    for url, html in _pages(client).items():
        promises = html.count("1x24 jam")
        assert promises, url
        if mode == "working":
            assert html.count("1x24 jam kerja") == promises, url
        else:
            assert "jam kerja" not in html, url


def test_in_english_too(client, settings):
    settings.BACKOFFICE_DEADLINE_MODE = "working"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for url, html in _pages(client).items():
        assert "working hour" in html, url
        assert "1x24 jam" not in html, url
