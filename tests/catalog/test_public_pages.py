"""The public requirement pages: the list of every service and one page per service."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from paksemmok.catalog.models import Requirement, Service, Variant
from paksemmok.catalog.views import condition_text

pytestmark = pytest.mark.django_db


def test_every_requirement_shows_status_kinds_size_and_basis(client):
    html = client.get("/layanan/").content.decode()
    assert html.count('data-testid="requirement"') == Requirement.objects.count()
    assert "maks. 5 MB" in html
    assert "Wajib menurut peraturan" in html and "Tambahan daerah" in html
    assert "foto (JPG/PNG) / PDF" in html
    assert "Wajib bila berlaku" in html and "Tidak wajib" in html
    # What each variant produces, and the 1x24 hours promise.
    assert "Dokumen (PDF bertanda tangan elektronik)" in html and "Kartu (diambil sendiri)" in html
    assert "Keputusan paling lambat 1x24 jam setelah permohonan dikirim." in html


def test_conditions_and_eligibility_are_in_words(client):
    html = client.get("/layanan/").content.decode()
    assert "Bila: Perkawinan belum tercatat" in html
    assert "Kecuali bila: Perkawinan belum tercatat" in html
    assert "Bila: kematian dilaporkan lebih dari 30 hari setelah meninggal" in html
    assert "Berusia 17 tahun atau sudah/pernah kawin" in html
    assert "unregistered_marriage" not in html


def test_each_service_has_an_anchor_and_a_page_of_its_own(client):
    html = client.get("/layanan/").content.decode()
    for service in Service.objects.filter(is_active=True):
        assert f'id="svc-{service.code}"' in html
        assert f'href="/layanan/{service.code}/"' in html
    for variant in Variant.objects.filter(is_active=True):
        assert f'id="{variant.code}"' in html


def test_service_page_opens_every_variant_without_login(client):
    service = Service.objects.get(code="kk")
    response = client.get("/layanan/kk/")
    assert response.status_code == 200
    html = response.content.decode()
    variants = list(service.variants.filter(is_active=True))
    assert html.count('class="app-variant"') == len(variants)
    assert html.count(" open>") == len(variants)
    for variant in variants:
        assert variant.name in html
    assert "Akta Kelahiran" not in html.split("<main", 1)[1].split("</main>")[0]
    assert 'href="/akun/masuk/?next=/layanan/kk/"' in html


def test_unknown_or_inactive_service_is_404(client):
    assert client.get("/layanan/tidak-ada/").status_code == 404
    Service.objects.filter(code="kia").update(is_active=False)
    assert client.get("/layanan/kia/").status_code == 404


def test_list_query_count_is_fixed(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        client.get("/layanan/")


def test_english_service_page(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/layanan/kk/").content.decode()
    assert '<html lang="en">' in html
    assert "Free. A decision within 1x24 hours of sending the application." in html
    assert "Who can apply" in html


def test_condition_text():
    translation.activate("id")
    assert condition_text("") == ""
    assert condition_text("lost_or_damaged=hilang").startswith("Bila: ")
    assert condition_text("!no_birth_letter") == ("Kecuali bila: Tidak ada surat keterangan lahir")
