"""Issue 15 item 7: the home page's service cards lead to the service; a choice with one
possible answer (the newborn) is not a screen of its own."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from paksemmok.applications.lifecycle import Status
from paksemmok.applications.models import Application

pytestmark = pytest.mark.django_db


def test_home_service_cards_link_to_their_service(client):
    html = client.get("/").content.decode()
    links = re.findall(r'href="([^"]+)" data-testid="card-(\w+)"', html)
    assert {code for _url, code in links} == {"kk", "ektp", "akta_lahir", "akta_mati", "kia"}
    for url, code in links:
        assert url == reverse("catalog:service", args=[code])
        assert client.get(url).status_code == 200


def test_the_newborn_variant_goes_straight_to_the_form(client, family, agus_user):
    client.force_login(agus_user)
    start = client.get(reverse("applications:start")).content.decode()
    form = start.split('data-testid="variant-akta-kelahiran"')[0].rsplit("<form", 1)[1]
    assert reverse("applications:choose_subject", args=["akta-kelahiran"]) in form
    response = client.post(
        reverse("applications:choose_subject", args=["akta-kelahiran"]), {"subject": "newborn"}
    )
    app = Application.objects.get(applicant=agus_user, variant__code="akta-kelahiran")
    assert app.status == Status.DRAFT and app.subject is None
    assert response["Location"] == reverse("applications:edit", args=[app.reference])


def test_the_kk_change_variant_says_a_newborn_comes_through_the_birth_registration(client):
    from paksemmok.catalog.models import Variant

    change = Variant.objects.get(code="kk-perubahan-data")
    assert "penambahan anak" not in change.name
    assert "Pencatatan kelahiran (akta kelahiran)" in change.help_text
    page = client.get(reverse("catalog:service", args=["kk"])).content.decode()
    assert "Anak yang baru lahir ditambahkan ke KK" in page
