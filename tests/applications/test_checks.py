"""Data checks at submission, each with its message on the item it concerns."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from paksemmok.applications import services
from paksemmok.applications.checks import SubmissionRejected, check_application
from paksemmok.catalog.models import Requirement
from paksemmok.population.models import MaritalStatus
from tests.cast import birth_answers, fill_required, pdf, variant, years_ago

pytestmark = pytest.mark.django_db


def problems_of(app) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for p in check_application(app):
        grouped.setdefault(p.item, []).append(p.message)
    return grouped


def test_ektp_for_a_resident_not_yet_recorded_explains_perekaman(family, agus_user):
    family.dimas.birth_date = years_ago(18)
    family.dimas.save()
    with pytest.raises(SubmissionRejected) as info:
        services.create_draft(
            applicant=agus_user, variant=variant("ektp-cetak"), subject=family.dimas
        )
    problem = info.value.problems[0]
    assert problem.item == "subject"
    assert "belum melakukan perekaman" in problem.message
    assert problem.link == "/perekaman/"


def test_ektp_needs_17_or_married(family, agus_user):
    family.dimas.ektp_recording = "sudah_rekam"
    family.dimas.save()
    with pytest.raises(SubmissionRejected) as info:
        services.create_draft(
            applicant=agus_user, variant=variant("ektp-cetak"), subject=family.dimas
        )
    assert "berusia 16 tahun dan belum pernah kawin" in info.value.problems[0].message
    family.dimas.marital_status = MaritalStatus.MARRIED
    family.dimas.save()
    assert services.create_draft(
        applicant=agus_user, variant=variant("ektp-cetak"), subject=family.dimas
    )


def test_kia_age_bands(family, agus_user):
    with pytest.raises(SubmissionRejected, match="KIA anak 5 sampai 17 tahun"):
        services.create_draft(
            applicant=agus_user, variant=variant("kia-bawah-5"), subject=family.sinta
        )
    with pytest.raises(SubmissionRejected, match="KIA anak di bawah 5 tahun"):
        services.create_draft(applicant=agus_user, variant=variant("kia-5-17"), subject=family.bayu)
    with pytest.raises(SubmissionRejected, match="ajukan e-KTP"):
        services.create_draft(applicant=agus_user, variant=variant("kia-5-17"), subject=family.agus)


def test_kia_from_five_needs_the_photo(family, agus_user):
    app = services.create_draft(
        applicant=agus_user, variant=variant("kia-5-17"), subject=family.sinta
    )
    for code in ("akta_kelahiran", "kk", "ektp_orang_tua"):
        services.attach_document(
            app, Requirement.objects.get(variant=app.variant, code=code), pdf(), actor=agus_user
        )
    services.save_draft(app, data={"pickup_place": "dinas"}, actor=agus_user)
    assert problems_of(app) == {"doc:pas_foto": ["Wajib diunggah."]}
    # A PDF is not a photo.
    photo_slot = Requirement.objects.get(variant=app.variant, code="pas_foto")
    with pytest.raises(services.UploadRejected):
        services.attach_document(app, photo_slot, pdf(), actor=agus_user)


def test_person_outside_the_applicants_kk_is_refused(family, agus_user, eko_user):
    with pytest.raises(SubmissionRejected, match="tidak tercantum di KK Anda"):
        services.create_draft(applicant=eko_user, variant=variant("kia-5-17"), subject=family.sinta)


def test_late_death_report_asks_for_the_statement(family, agus_user):
    app = services.create_draft(
        applicant=agus_user, variant=variant("akta-kematian"), subject=family.rina
    )
    died = timezone.localdate() - dt.timedelta(days=45)
    fill_required(app, agus_user, {"death_date": died.isoformat(), "death_place": "Rumah"})
    # fill_required uploaded everything needed, the statement included; take it away.
    statement = app.current_documents().get(requirement__code="pernyataan_terlambat")
    statement.delete()
    assert problems_of(app) == {
        "doc:pernyataan_terlambat": [
            "Kematian dilaporkan 45 hari setelah terjadi (lebih dari 30 hari): unggah surat "
            "pernyataan keterlambatan."
        ]
    }


def test_death_within_30_days_needs_no_statement(family, agus_user):
    app = services.create_draft(
        applicant=agus_user, variant=variant("akta-kematian"), subject=family.rina
    )
    died = timezone.localdate() - dt.timedelta(days=30)
    fill_required(app, agus_user, {"death_date": died.isoformat(), "death_place": "Rumah"})
    assert not app.current_documents().filter(requirement__code="pernyataan_terlambat")
    assert problems_of(app) == {}


def test_invalid_identifiers_in_the_form(family, agus_user):
    app = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
    fill_required(app, agus_user, birth_answers())
    # Stored by another client (the API) without the form's own validation.
    app.data = {**app.data, "mother_nik": "1234", "witness1_nik": "3319020000000000"}
    found = problems_of(app)
    assert found["field:mother_nik"] == ["NIK harus terdiri dari 16 digit angka."]
    assert "field:witness1_nik" in found


def test_birth_without_birth_letter_needs_sptjm_and_two_witnesses(family, agus_user):
    app = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
    fill_required(app, agus_user, birth_answers())
    services.save_draft(app, data={"no_birth_letter": True}, actor=agus_user)
    found = problems_of(app)
    assert found["doc:sptjm_kelahiran"] == ["Wajib diunggah."]
    assert "field:witness1_nik" in found and "field:witness2_nik" in found


def test_birth_date_in_the_future(family, agus_user):
    app = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    fill_required(app, agus_user, {**birth_answers(), "child_birth_date": tomorrow})
    assert problems_of(app) == {"field:child_birth_date": ["Tanggal tidak boleh di masa depan."]}


def test_new_head_must_be_a_living_member(family, agus_user, eko_user):
    # The head's death is reported (still open): the new-head KK may be filed with it.
    death = services.create_draft(
        applicant=agus_user, variant=variant("akta-kematian"), subject=family.agus
    )
    fill_required(
        death,
        agus_user,
        {"death_date": timezone.localdate().isoformat(), "death_place": "Kudus"},
    )
    services.submit_application(death, actor=agus_user)
    app = services.create_draft(
        applicant=agus_user, variant=variant("kk-kepala-meninggal"), subject=family.rina
    )
    fill_required(app, agus_user, {"new_head_nik": eko_user.resident.nik, "reason": "x"})
    assert problems_of(app) == {
        "field:new_head_nik": ["Kepala keluarga baru harus anggota KK ini yang masih hidup."]
    }
