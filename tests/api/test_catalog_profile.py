from __future__ import annotations

import pytest

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def test_catalogue_is_public_with_variants_and_requirements(api):
    services = api.get("/api/v1/catalog/services/").json()
    ektp = next(s for s in services if s["code"] == "ektp")
    cetak = next(v for v in ektp["variants"] if v["code"] == "ektp-cetak")
    assert cetak["form_fields"] == ["pickup_place"]
    assert [r["code"] for r in cetak["requirements"]] == ["kk"]
    assert cetak["requirements"][0]["max_size_kb"] > 0


def test_one_service_and_one_variant(api):
    assert api.get("/api/v1/catalog/services/ektp/").json()["code"] == "ektp"
    variant = api.get("/api/v1/catalog/variants/kia-5-17/").json()
    assert {r["code"] for r in variant["requirements"]} >= {"kk", "pas_foto"}


def test_inactive_or_unknown_variant_is_json_404(api):
    from paksemmok.catalog.models import Variant

    Variant.objects.filter(code="ektp-rusak").update(is_active=False)
    assert_error(api.get("/api/v1/catalog/variants/ektp-rusak/"), 404, "not_found")
    assert_error(api.get("/api/v1/catalog/services/nope/"), 404, "not_found")


def test_profile_is_own_data(a_client, agus, family):
    me = a_client.get("/api/v1/me/").json()
    assert me["nik"] == family.agus.nik
    assert me["full_name"] == "Agus Santoso"
    assert me["kk_number"] == family.kk.kk_number


def test_family_masks_other_members_niks(a_client, family):
    data = a_client.get("/api/v1/me/family/").json()
    by_name = {m["full_name"]: m for m in data["members"]}
    assert by_name["Agus Santoso"]["nik"] == family.agus.nik
    assert by_name["Agus Santoso"]["is_self"] is True
    assert by_name["Rina Wati"]["nik"] == family.rina.masked_nik
    assert family.rina.nik not in str(data)
    assert next(m["full_name"] for m in data["members"]) == "Agus Santoso"  # KK order
