"""The shipped catalogue matches domain.md, and the public page lists it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from paksemmok.catalog.models import DeficiencyReason, Requirement, Service, Variant

pytestmark = pytest.mark.django_db


def test_five_services_with_their_variants():
    variants = {
        s.code: sorted(s.variants.values_list("code", flat=True)) for s in Service.objects.all()
    }
    assert variants == {
        "kk": sorted(
            [
                "kk-keluarga-baru",
                "kk-kepala-meninggal",
                "kk-pisah",
                "kk-perubahan-data",
                "kk-hilang-rusak",
            ]
        ),
        "ektp": sorted(["ektp-cetak", "ektp-hilang", "ektp-rusak", "ektp-perubahan-data"]),
        # Service codes as accounts.User.services uses them (operators' services).
        "akta_lahir": ["akta-kelahiran"],
        "akta_mati": ["akta-kematian"],
        "kia": ["kia-5-17", "kia-bawah-5"],
    }
    assert set(Variant.objects.values_list("deadline_hours", flat=True)) == {24}
    assert set(
        Variant.objects.filter(service__code__in=["ektp", "kia"]).values_list("output", flat=True)
    ) == {"card"}


def test_law_items_are_mandatory_and_local_items_optional():
    assert not Requirement.objects.filter(basis="law", mandatory=False).exists()
    # The late-death statement is the one local item that is asked for (conditionally).
    assert list(
        Requirement.objects.filter(basis="local", mandatory=True).values_list("code", flat=True)
    ) == ["pernyataan_terlambat"]
    assert Requirement.objects.filter(basis="local", mandatory=False).count() >= 10


def test_birth_certificate_requirements_follow_the_answers():
    birth = Variant.objects.get(code="akta-kelahiran")

    def needed(answers):
        return sorted(r.code for r in birth.requirements.all() if r.needed(answers))

    assert needed({}) == ["buku_nikah", "f201", "kk", "surat_kelahiran"]
    assert needed({"no_birth_letter": True, "no_marriage_certificate": True}) == [
        "f201",
        "kk",
        "sptjm_kelahiran",
        "sptjm_suami_istri",
    ]


def test_kia_photo_only_from_five_and_photo_is_image_only():
    assert not Requirement.objects.filter(variant__code="kia-bawah-5", code="pas_foto").exists()
    photo = Requirement.objects.get(variant__code="kia-5-17", code="pas_foto")
    assert photo.mandatory and photo.file_kinds == ["image"]
    assert photo.accept == "image/jpeg,image/png,image/webp"


def test_choice_conditions():
    lost = Requirement.objects.get(variant__code="kk-hilang-rusak", code="surat_kehilangan")
    assert lost.needed({"lost_or_damaged": "hilang"})
    assert not lost.needed({"lost_or_damaged": "rusak"})


def test_admin_validation_refuses_unknown_codes():
    variant = Variant.objects.get(code="ektp-cetak")
    variant.form_fields = ["pickup_place", "shoe_size"]
    with pytest.raises(ValidationError):
        variant.full_clean()
    requirement = variant.requirements.first()
    requirement.condition = "!no_such_answer"
    with pytest.raises(ValidationError):
        requirement.full_clean()


def test_deficiency_reasons_catalogue():
    assert (
        DeficiencyReason.objects.filter(
            code__in=["missing", "unreadable", "not_recorded", "late_death_report"]
        ).count()
        == 4
    )


def test_public_requirements_page_lists_every_service(client):
    response = client.get("/layanan/")
    assert response.status_code == 200
    body = response.content.decode()
    for variant in Variant.objects.all():
        assert variant.name in body
    assert "Surat keterangan lahir dari rumah sakit/puskesmas/dokter/bidan" in body
    assert "Tambahan daerah" in body and "Wajib" in body
