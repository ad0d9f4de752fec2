"""The Django admin corrects register rows only through the register services: a reason is
required, a KK version is recorded, the audit names the fields; identity and membership are
read-only and nobody is added from here (issue 11, "no path around the services")."""

from __future__ import annotations

import datetime as dt

import pytest

from paksemmok.audit.models import AuditEntry
from paksemmok.population.invariants import check_register
from paksemmok.population.models import FamilyVersion, MaritalStatus, Relationship, Resident
from paksemmok.population.services import (
    RegisterError,
    correct_family_address,
    correct_resident,
    record_family_version,
)
from tests.factories import FamilyFactory, ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kk(kudus):
    family = FamilyFactory()
    head = ResidentFactory(
        family=family,
        full_name="Sri Wahyuni",
        sex="P",
        relationship=Relationship.HEAD,
        marital_status=MaritalStatus.WIDOWED,
        birth_date=dt.date(1970, 2, 3),
    )
    family.head = head
    family.save()
    record_family_version(family, reason="uji")
    return family


def resident_form(person: Resident, **changes) -> dict:
    data = {
        "full_name": person.full_name,
        "sex": person.sex,
        "birth_place": person.birth_place,
        "birth_date": person.birth_date.isoformat(),
        "religion": person.religion,
        "education": person.education,
        "occupation": person.occupation,
        "marital_status": person.marital_status,
        "citizenship": person.citizenship,
        "father_name": person.father_name,
        "mother_name": person.mother_name,
        "ektp_recording": person.ektp_recording,
        "correction_reason": "salah ketik nama",
        "_save": "Simpan",
    }
    if person.ektp_printed:
        data["ektp_printed"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_correction_records_a_kk_version_and_its_audit(admin_client, kk):
    head = kk.head
    url = f"/staf/admin/population/resident/{head.pk}/change/"
    response = admin_client.post(url, resident_form(head, full_name="Sri Wahyuningsih"))
    assert response.status_code == 302, response.content.decode()[:3000]
    head.refresh_from_db()
    assert head.full_name == "Sri Wahyuningsih"
    version = FamilyVersion.objects.get(family=kk, version=2)
    assert version.snapshot["members"][0]["full_name"] == "Sri Wahyuningsih"
    assert version.reason == "koreksi data: salah ketik nama"
    entry = AuditEntry.objects.get(action="register.resident.corrected")
    assert entry.details == {"fields": ["full_name"], "reason": "salah ketik nama"}
    assert entry.purpose == "Django admin"
    assert check_register().ok


def test_a_correction_needs_a_reason(admin_client, kk):
    head = kk.head
    url = f"/staf/admin/population/resident/{head.pk}/change/"
    response = admin_client.post(
        url, resident_form(head, full_name="Nama Lain", correction_reason="")
    )
    assert response.status_code == 200
    assert "correction_reason" in response.context["adminform"].form.errors
    head.refresh_from_db()
    assert head.full_name == "Sri Wahyuni"
    assert FamilyVersion.objects.filter(family=kk).count() == 1


def test_identity_and_membership_are_read_only(admin_client, kk):
    head = kk.head
    url = f"/staf/admin/population/resident/{head.pk}/change/"
    page = admin_client.get(url).content.decode()
    for field in ("nik", "family", "relationship", "life_status", "death_date"):
        assert f'name="{field}"' not in page
    response = admin_client.post(
        url,
        resident_form(
            head,
            nik="3319010101900001",
            family="999",
            relationship="anak",
            life_status="meninggal",
            occupation="Pedagang",
        ),
    )
    assert response.status_code == 302
    head.refresh_from_db()
    assert (head.family_id, head.relationship, head.life_status) == (kk.pk, "kepala", "hidup")
    assert head.occupation == "Pedagang"
    assert check_register().ok


def test_an_unchanged_save_records_nothing(admin_client, kk):
    head = kk.head
    url = f"/staf/admin/population/resident/{head.pk}/change/"
    assert admin_client.post(url, resident_form(head)).status_code == 302
    assert FamilyVersion.objects.filter(family=kk).count() == 1
    assert not AuditEntry.objects.filter(action="register.resident.corrected").exists()


def test_nobody_is_added_from_the_admin(admin_client, kk):
    assert admin_client.get("/staf/admin/population/resident/add/").status_code == 403
    assert admin_client.get("/staf/admin/population/family/add/").status_code == 403


def test_an_address_correction_moves_the_members_and_records_a_version(admin_client, kk):
    url = f"/staf/admin/population/family/{kk.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert 'name="kk_number"' not in page and 'name="head"' not in page
    response = admin_client.post(
        url,
        {
            "village": str(kk.village_id),
            "address": "Jl. Menara No. 3",
            "rt": kk.rt,
            "rw": kk.rw,
            "correction_reason": "alamat salah",
            # The read-only inlines still send their management forms.
            "members-TOTAL_FORMS": "1",
            "members-INITIAL_FORMS": "1",
            "members-0-id": str(kk.head.pk),
            "members-0-family": str(kk.pk),
            "versions-TOTAL_FORMS": "1",
            "versions-INITIAL_FORMS": "1",
            "versions-0-id": str(kk.versions.get().pk),
            "versions-0-family": str(kk.pk),
            "_save": "Simpan",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    kk.refresh_from_db()
    assert kk.address == "Jl. Menara No. 3" and kk.current_version == 2
    assert kk.head.address == "Jl. Menara No. 3"
    assert kk.versions.get(version=2).snapshot["address"] == "Jl. Menara No. 3"
    assert AuditEntry.objects.filter(action="register.family.corrected").exists()
    assert check_register().ok


@pytest.mark.parametrize(
    ("correct", "field", "value"),
    [
        ("resident", "nik", "3319024302700009"),
        ("resident", "life_status", Resident.LifeStatus.DECEASED),
        ("family", "kk_number", "3319020000000099"),
    ],
)
def test_a_correction_of_identity_or_membership_is_refused_and_changes_nothing(
    kk, correct, field, value
):
    head = kk.head
    versions = FamilyVersion.objects.filter(family=kk).count()
    with pytest.raises(RegisterError, match=field):
        if correct == "resident":
            correct_resident(
                head, {"full_name": "Sri Lestari", field: value}, actor=None, reason="uji"
            )
        else:
            correct_family_address(kk, {"rt": "009", field: value}, actor=None, reason="uji")
    head.refresh_from_db()
    kk.refresh_from_db()
    assert head.full_name == "Sri Wahyuni" and kk.rt != "009"
    assert getattr(head if correct == "resident" else kk, field) != value
    assert FamilyVersion.objects.filter(family=kk).count() == versions
    assert not AuditEntry.objects.filter(action__startswith="register.resident.corrected").exists()
