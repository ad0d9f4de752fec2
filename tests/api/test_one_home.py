"""Pages and API answer from the same function: who an applicant may apply for, and which
applications are theirs (applications.queries)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from paksemmok.applications import services
from paksemmok.applications.queries import applications_of, subjects_for
from paksemmok.population.models import Resident
from tests.cast import variant

pytestmark = pytest.mark.django_db


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_subject_accepted(a_client, person: Resident) -> bool:
    response = a_client.post(
        "/api/v1/applications/",
        {"variant": "kk-perubahan-data", "subject": person.pk},
        format="json",
    )
    if response.status_code == 201:
        return True
    assert response.status_code == 422, response.content[:300]
    assert response.json()["details"][0]["item"] == "subject"
    return False


def test_page_and_api_offer_the_same_subjects(a_client, agus, family, eko):
    # A member who died stays in the KK's rows but may not be applied for.
    family.bayu.life_status = Resident.LifeStatus.DECEASED
    family.bayu.death_date = dt.date.today()
    family.bayu.save()
    expected = [family.agus, family.rina, family.dimas, family.sinta]
    assert subjects_for(agus) == expected

    page = page_client(agus).get("/permohonan/baru/kk-perubahan-data/")
    assert page.status_code == 200
    assert [c["member"] for c in page.context["choices"]] == expected

    outsiders = [family.bayu, eko.resident]
    for person in expected + outsiders:
        assert api_subject_accepted(a_client, person) == (person in expected), person
        # The page refuses the same people with the same words.
        chosen = page_client(agus).post(
            "/permohonan/baru/kk-perubahan-data/", {"subject": person.pk}
        )
        assert (chosen.status_code == 302) == (person in expected), person
        if person not in expected:
            assert "Pilih anggota keluarga yang dimohonkan." in chosen.content.decode()


def test_page_and_api_list_the_same_applications(a_client, agus, family, eko):
    kept = services.create_draft(
        applicant=agus, variant=variant("kk-perubahan-data"), subject=family.rina
    )
    sent = services.create_draft(applicant=agus, variant=variant("ektp-cetak"), subject=family.agus)
    given_up = services.create_draft(
        applicant=agus, variant=variant("kk-perubahan-data"), subject=family.dimas
    )
    services.cancel_application(given_up, actor=agus, reason="salah pilih")
    services.create_draft(applicant=eko, variant=variant("kk-perubahan-data"), subject=eko.resident)

    expected = {kept.reference, sent.reference}
    assert {a.reference for a in applications_of(agus)} == expected
    api_refs = {a["reference"] for a in a_client.get("/api/v1/applications/").json()}
    page = page_client(agus).get("/permohonan/")
    page_refs = {a.reference for a in page.context["applications"]}
    assert api_refs == page_refs == expected


def test_resident_and_staff_see_the_same_file_and_member_rows(a_client, agus, family, budi_client):
    from paksemmok.api.serializers import KkMemberSerializer, UploadedFileSerializer
    from tests.cast import submitted

    app = submitted(agus, "ektp-cetak", family.agus, {"pickup_place": "dinas"})
    mine = a_client.get(f"/api/v1/applications/{app.reference}/").json()["documents"]
    staff = budi_client.get(f"/api/v1/staff/applications/{app.reference}/").json()
    shared = set(UploadedFileSerializer().fields)
    assert mine and [{k: d[k] for k in shared} for d in mine] == [
        {k: d[k] for k in shared} for d in staff["documents"]
    ]
    # The member rows agree except the NIKs the resident's view masks.
    own = a_client.get("/api/v1/me/family/").json()["members"]
    row = set(KkMemberSerializer().fields) - {"nik"}
    assert [{k: m[k] for k in row} for m in own] == [
        {k: m[k] for k in row} for m in staff["members"]
    ]
