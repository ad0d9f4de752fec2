"""Each decision path per service, with the register changes checked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from paksemmok.applications.lifecycle import Status
from paksemmok.audit.models import AuditEntry
from paksemmok.backoffice import services
from paksemmok.backoffice.models import Claim
from paksemmok.issuance import services as issuance
from paksemmok.issuance.models import IssuedDocument
from paksemmok.notifications.models import Message
from paksemmok.population.models import Family, MaritalStatus, Relationship, Resident
from tests.cast import approve, birth_answers, submitted

pytestmark = pytest.mark.django_db

Kind = IssuedDocument.Kind


def test_birth_adds_the_child_with_a_nik_and_a_new_kk(family, agus_user, budi):
    app = submitted(agus_user, "akta-kelahiran", answers=birth_answers())
    before = family.kk.current_version
    docs = approve(app, budi)

    app.refresh_from_db()
    # Printed documents are issued at once, so the application is complete.
    assert app.status == Status.COMPLETED and app.completed_at
    child = Resident.objects.get(full_name="Putri Santoso")
    assert child.family == family.kk and child.relationship == Relationship.CHILD
    assert child.nik.startswith("331902") and child.sex == "P"
    assert int(child.nik[6:8]) == child.birth_date.day + 40
    assert child.father_name == "Agus Santoso" and child.mother_name == "Rina Wati"
    family.kk.refresh_from_db()
    assert family.kk.current_version == before + 1
    version = family.kk.versions.get(version=family.kk.current_version)
    assert child.nik in [m["nik"] for m in version.snapshot["members"]]
    assert sorted(d.kind for d in docs) == [Kind.BIRTH, Kind.KK]
    assert all(d.pdf and d.application == app for d in docs)
    assert not Claim.objects.filter(application=app).exists()
    # One decision, one message (issue 15): approved, documents issued and the survey.
    approval = Message.objects.filter(user=agus_user, created_at__gte=app.decided_at).get()
    assert "disetujui" in approval.subject and "sudah terbit" in approval.subject
    assert "disetujui" in approval.body and "sudah terbit" in approval.body
    assert "survei" in approval.body.lower()
    assert approval.body.count("Disdukcapil Kabupaten Kudus") == 1  # one signature
    assert AuditEntry.objects.filter(action="register.resident.born").count() == 1


def test_death_of_the_head_names_the_spouse_and_removes_him(family, agus_user, budi):
    died = timezone.localdate() - dt.timedelta(days=2)
    app = submitted(
        agus_user,
        "akta-kematian",
        family.agus,
        {"death_date": died.isoformat(), "death_place": "RSUD Kudus"},
    )
    docs = approve(app, budi)

    family.agus.refresh_from_db()
    assert family.agus.life_status == Resident.LifeStatus.DECEASED
    assert family.agus.death_date == died
    assert family.agus.family is None
    family.kk.refresh_from_db()
    family.rina.refresh_from_db()
    assert family.kk.head == family.rina and family.rina.relationship == Relationship.HEAD
    snapshot = family.kk.versions.get(version=family.kk.current_version).snapshot
    assert family.agus.nik not in [m["nik"] for m in snapshot["members"]]
    assert snapshot["head_nik"] == family.rina.nik
    assert sorted(d.kind for d in docs) == [Kind.DEATH, Kind.KK]
    death = next(d for d in docs if d.kind == Kind.DEATH)
    assert death.data["kk_number"] == family.kk.kk_number


def test_death_of_a_member_keeps_the_head(family, agus_user, budi):
    app = submitted(
        agus_user,
        "akta-kematian",
        family.rina,
        {
            "death_date": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
            "death_place": "Rumah",
        },
    )
    approve(app, budi)
    family.kk.refresh_from_db()
    assert family.kk.head == family.agus
    family.rina.refresh_from_db()
    assert not family.rina.is_alive and family.rina.family is None


def test_kk_split_makes_a_new_family_and_prints_both(family, agus_user, budi):
    # Dimas, now 19 and recorded, leaves: Agus keeps heading the old KK. (The head himself may
    # not split away: applications.rules "split.is_head".)
    from tests.cast import years_ago

    family.dimas.birth_date = years_ago(19)
    family.dimas.ektp_recording = Resident.Recording.RECORDED
    family.dimas.save()
    old_kk = family.kk.kk_number
    app = submitted(agus_user, "kk-pisah", family.dimas, {"reason": "Pindah rumah"})
    docs = approve(app, budi)
    family.dimas.refresh_from_db()
    new = family.dimas.family
    assert new.pk != family.kk.pk and new.kk_number != old_kk and new.head == family.dimas
    assert family.dimas.relationship == Relationship.HEAD
    family.kk.refresh_from_db()
    assert family.kk.head == family.agus
    assert {d.number for d in docs} == {new.kk_number, old_kk}


def test_kk_change_of_data(family, agus_user, budi):
    app = submitted(
        agus_user,
        "kk-perubahan-data",
        family.sinta,
        {"changed_field": "education", "new_value": "sd", "reason": "Lulus"},
    )
    docs = approve(app, budi)
    family.sinta.refresh_from_db()
    assert family.sinta.education == "sd"
    assert docs[0].kind == Kind.KK
    member = next(m for m in docs[0].data["members"] if m["nik"] == family.sinta.nik)
    assert member["education"] == "Tamat SD/sederajat"


def test_kk_reprint_supersedes_the_previous_kk_document(family, agus_user, budi):
    from paksemmok.population.services import record_family_version

    old = issuance.issue_kk(record_family_version(family.kk, reason="awal"), actor=None)
    app = submitted(agus_user, "kk-hilang-rusak", family.agus, {"lost_or_damaged": "hilang"})
    docs = approve(app, budi)
    old.refresh_from_db()
    assert old.status == IssuedDocument.Status.SUPERSEDED and old.superseded_by == docs[0]


def test_kk_new_family_after_marriage(family, agus_user, budi, kudus):
    from tests.factories import ResidentFactory

    bride = ResidentFactory(
        full_name="Lestari", sex="P", birth_date=dt.date(1995, 1, 1), relationship=Relationship.HEAD
    )
    bride_family = bride.family
    app = submitted(
        agus_user,
        "kk-keluarga-baru",
        family.dimas,
        {
            "marriage_date": "2024-02-03",
            "spouse_nik": bride.nik,
            "address": "Jl. Baru 1",
            "rt": "003",
            "rw": "004",
        },
    )
    docs = approve(app, budi)
    family.dimas.refresh_from_db()
    bride.refresh_from_db()
    new = family.dimas.family
    assert new.head == family.dimas and bride.family == new
    assert bride.relationship == Relationship.WIFE
    assert bride.marital_status == MaritalStatus.MARRIED and new.address == "Jl. Baru 1"
    bride_family.refresh_from_db()
    assert not bride_family.is_active  # she was its only member
    family.kk.refresh_from_db()
    assert family.dimas.nik not in [
        m["nik"]
        for m in family.kk.versions.get(version=family.kk.current_version).snapshot["members"]
    ]
    assert new.kk_number in {d.number for d in docs}


def test_kk_new_head_after_death(family, agus_user, budi):
    family.agus.life_status = Resident.LifeStatus.DECEASED
    family.agus.death_date = timezone.localdate()
    family.agus.save()
    rina_user = None
    from tests.cast import account_for

    rina_user = account_for(family.rina)
    app = submitted(
        rina_user,
        "kk-kepala-meninggal",
        family.rina,
        {"new_head_nik": family.rina.nik, "reason": "Suami meninggal"},
    )
    approve(app, budi)
    family.kk.refresh_from_db()
    family.rina.refresh_from_db()
    assert family.kk.head == family.rina and family.rina.relationship == Relationship.HEAD


def test_ektp_card_goes_ready_then_collected(family, agus_user, budi):
    app = submitted(agus_user, "ektp-cetak", family.agus, {"pickup_place": "dinas"})
    [card] = approve(app, budi)
    app.refresh_from_db()
    assert app.status == Status.APPROVED  # complete only when the card is in hand
    assert card.kind == Kind.EKTP and card.card_status == IssuedDocument.CardStatus.PRINTING
    assert card.pickup_place == "Kantor Disdukcapil Kabupaten Kudus" and not card.pdf
    issuance.mark_card_ready(card, actor=budi)
    family.agus.refresh_from_db()
    assert family.agus.ektp_printed
    ready = Message.objects.filter(user=agus_user, subject__contains="siap diambil").get()
    assert "Kantor Disdukcapil Kabupaten Kudus" in ready.body
    issuance.mark_card_collected(card, actor=budi)
    card.refresh_from_db()
    assert card.card_status == IssuedDocument.CardStatus.COLLECTED and card.collected_at
    app.refresh_from_db()
    assert app.status == Status.COMPLETED and app.completed_at >= card.collected_at
    # One event, one message: the card handed over and the survey it completes.
    [collected] = Message.objects.filter(user=agus_user, template__startswith="generic")
    assert collected.template == "generic+survey_invitation"
    assert "sudah diambil" in collected.body and "survei" in collected.body.lower()
    with pytest.raises(issuance.IssuanceError):
        issuance.mark_card_collected(card, actor=budi)


def test_kia_card_is_ordered(family, agus_user, budi):
    app = submitted(agus_user, "kia-bawah-5", family.bayu, {"pickup_place": "kecamatan"})
    [card] = approve(app, budi)
    assert card.kind == Kind.KIA and card.subject == family.bayu


def test_ektp_change_of_data_changes_the_register(family, agus_user, budi):
    app = submitted(
        agus_user,
        "ektp-perubahan-data",
        family.agus,
        {"changed_field": "occupation", "new_value": "Guru", "pickup_place": "dinas"},
    )
    approve(app, budi)
    family.agus.refresh_from_db()
    assert family.agus.occupation == "Guru"


def test_return_needs_a_deficiency_and_notifies(family, agus_user, budi):
    app = submitted(agus_user, "ektp-cetak", family.agus, {"pickup_place": "dinas"})
    services.claim_application(app, actor=budi)
    with pytest.raises(services.BackofficeError):
        services.return_for_fixes(app, deficiencies=[], actor=budi)
    services.return_for_fixes(
        app, actor=budi, deficiencies=[{"item": "doc:kk", "reason": "unreadable", "note": "Buram"}]
    )
    app.refresh_from_db()
    assert app.status == Status.RETURNED
    assert not Claim.objects.filter(application=app).exists()
    assert Message.objects.filter(user=agus_user, subject__contains="perlu dilengkapi").exists()


def test_reject_with_reason(family, agus_user, budi):
    app = submitted(agus_user, "ektp-cetak", family.agus, {"pickup_place": "dinas"})
    services.claim_application(app, actor=budi)
    services.reject(
        app, actor=budi, deficiencies=[{"item": "application", "reason": "duplicate", "note": ""}]
    )
    app.refresh_from_db()
    assert app.status == Status.REJECTED and not IssuedDocument.objects.exists()


def test_decision_on_someone_elses_claim_is_refused(family, agus_user, budi, dewi):
    app = submitted(agus_user, "ektp-cetak", family.agus, {"pickup_place": "dinas"})
    services.claim_application(app, actor=budi)
    with pytest.raises(services.BackofficeError, match="sedang diperiksa oleh Budi"):
        services.approve(app, actor=dewi)
    with pytest.raises(services.BackofficeError, match="sedang diperiksa oleh Budi"):
        services.claim_application(app, actor=dewi)
    app.refresh_from_db()
    assert app.status == Status.IN_REVIEW and not IssuedDocument.objects.exists()


def test_decision_on_a_decided_application_is_refused(family, agus_user, budi):
    app = submitted(agus_user, "ektp-cetak", family.agus, {"pickup_place": "dinas"})
    approve(app, budi)
    with pytest.raises(services.BackofficeError, match="sudah diputuskan"):
        services.approve(app, actor=budi)
    assert IssuedDocument.objects.count() == 1


def test_failed_register_effect_rolls_back_the_approval(family, agus_user, budi):
    app = submitted(
        agus_user,
        "akta-kematian",
        family.rina,
        {"death_date": timezone.localdate().isoformat(), "death_place": "Rumah"},
    )
    services.claim_application(app, actor=budi)
    # Recorded dead elsewhere meanwhile: the effect refuses, nothing is kept.
    Resident.objects.filter(pk=family.rina.pk).update(
        life_status=Resident.LifeStatus.DECEASED, death_date=timezone.localdate()
    )
    with pytest.raises(services.BackofficeError, match="sudah tercatat meninggal"):
        services.approve(app, actor=budi)
    app.refresh_from_db()
    assert app.status == Status.IN_REVIEW
    assert not IssuedDocument.objects.exists()
    assert not Message.objects.filter(subject__contains="disetujui").exists()
    assert Family.objects.get(pk=family.kk.pk).current_version == family.kk.current_version


def test_operator_cannot_claim_a_service_they_do_not_handle(family, agus_user, citra):
    app = submitted(agus_user, "akta-kelahiran", answers=birth_answers())
    with pytest.raises(services.BackofficeError, match="tidak menangani"):
        services.claim_application(app, actor=citra)
    assert services.take_next(actor=citra) is None


def test_rolled_back_approval_leaves_no_pdf_behind(
    family, agus_user, budi, monkeypatch, private_media
):
    app = submitted(agus_user, "akta-kelahiran", answers=birth_answers())
    services.claim_application(app, actor=budi)

    def broken_kk(*args, **kwargs):
        raise RuntimeError("printer on fire")

    # The birth certificate is stored first, then the KK fails.
    monkeypatch.setattr(issuance, "issue_kk", broken_kk)
    with pytest.raises(RuntimeError):
        services.approve(app, actor=budi)
    app.refresh_from_db()
    assert app.status == Status.IN_REVIEW
    assert not IssuedDocument.objects.exists()
    assert not Resident.objects.filter(full_name="Putri Santoso").exists()
    issued = private_media / "issued"
    assert not issued.exists() or not any(p.is_file() for p in issued.rglob("*"))


def test_new_family_of_two_members_of_one_kk_prints_the_old_kk_once(family, agus_user, budi):
    # A couple already on one KK (Dimas and his wife Ayu on his parents' KK) leave together.
    from tests.factories import ResidentFactory

    wife = ResidentFactory(
        family=family.kk, full_name="Ayu", sex="P", birth_date=dt.date(2000, 1, 1)
    )
    old_version = family.kk.current_version
    app = submitted(
        agus_user,
        "kk-keluarga-baru",
        family.dimas,
        {
            "marriage_date": "2024-02-03",
            "spouse_nik": wife.nik,
            "address": "Jl. Baru 2",
            "rt": "001",
            "rw": "001",
        },
    )
    docs = approve(app, budi)
    family.kk.refresh_from_db()
    assert family.kk.current_version == old_version + 1
    assert [d.number for d in docs].count(family.kk.kk_number) == 1
    assert family.kk.head == family.agus
