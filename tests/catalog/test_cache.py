"""The public catalogue is served from cache and changes as soon as the catalogue is edited
(the admin saves and deletes through the ORM, whose signals make the cache stale)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from paksemmok.catalog.models import Requirement, Service, Variant

pytestmark = pytest.mark.django_db


def catalogue_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "catalog_" in q["sql"]]


def page(client, url: str) -> str:
    """The page without its CSRF token (masked afresh on every response)."""
    response = client.get(url)
    assert response.status_code == 200
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_second_view_reads_no_catalogue_rows(client):
    first = page(client, reverse("catalog:services"))
    with CaptureQueriesContext(connection) as queries:
        second = page(client, reverse("catalog:services"))
    assert catalogue_queries(queries) == []
    assert second == first and "e-KTP" in second


def test_service_page_is_cached_too(client):
    url = reverse("catalog:service", args=["ektp"])
    first = page(client, url)
    with CaptureQueriesContext(connection) as queries:
        assert page(client, url) == first
    assert catalogue_queries(queries) == []
    assert client.get(reverse("catalog:service", args=["tidak-ada"])).status_code == 404


def test_an_edit_shows_at_once_on_every_page(client):
    services_url, detail_url = (
        reverse("catalog:services"),
        reverse("catalog:service", args=["ektp"]),
    )
    page(client, services_url), page(client, detail_url)
    service = Service.objects.get(code="ektp")
    service.description = "Keterangan baru dari admin"
    service.save()
    assert "Keterangan baru dari admin" in page(client, services_url)
    assert "Keterangan baru dari admin" in page(client, detail_url)

    requirement = Requirement.objects.filter(variant__service=service).first()
    requirement.name = "Persyaratan yang baru diubah"
    requirement.save()
    assert "Persyaratan yang baru diubah" in page(client, detail_url)
    requirement.delete()
    assert "Persyaratan yang baru diubah" not in page(client, detail_url)


def test_a_deactivated_service_disappears(client):
    page(client, reverse("catalog:service", args=["ektp"]))
    service = Service.objects.get(code="ektp")
    service.is_active = False
    service.save()
    assert client.get(reverse("catalog:service", args=["ektp"])).status_code == 404
    variant = Variant.objects.filter(service__code="kk").first()
    variant.name = "Jenis KK yang baru"
    variant.save()
    assert "Jenis KK yang baru" in page(client, reverse("catalog:services"))
