"""Approval re-checks the register rules, possible duplicates need a supervisor, and the
register effects apply the status transitions (Cerai Mati, new head, Kawin, Cerai Hidup)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from paksemmok.applications import services as app_services
from paksemmok.applications.lifecycle import Status
from paksemmok.audit.models import AuditEntry
from paksemmok.backoffice import services
from paksemmok.backoffice.models import Claim
from paksemmok.backoffice.review import verdict_items
from paksemmok.catalog.models import DocumentText
from paksemmok.issuance.models import IssuedDocument
from paksemmok.population.models import MaritalStatus, Relationship, Resident
from tests.cast import (
    account_for,
    approve,
    birth_answers,
    fill_required,
    sign_in_with_totp,
    submitted,
    variant,
    years_ago,
)
from tests.factories import FamilyFactory, ResidentFactory, village

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_settings")]


def latest_snapshot(family) -> dict:
    family.refresh_from_db()
    return family.versions.get(version=family.current_version).snapshot


def member(snapshot: dict, nik: str) -> dict:
    return next(m for m in snapshot["members"] if m["nik"] == nik)


# --- re-checked at approval ---------------------------------------------------------------


def test_approval_refuses_when_the_register_changed_since_submission(family, agus_user, budi):
    app = submitted(
        agus_user,
        "akta-kematian",
        family.sinta,
        {"death_date": timezone.localdate().isoformat(), "death_place": "Kudus"},
    )
    # Meanwhile the death was recorded another way (e.g. at the office).
    Resident.objects.filter(pk=family.sinta.pk).update(
        life_status=Resident.LifeStatus.DECEASED, death_date=timezone.localdate()
    )
    services.claim_application(app, actor=budi)
    with pytest.raises(services.BackofficeError) as info:
        services.approve(app, actor=budi)
    assert info.value.code == "rule_violation"
    assert [d["code"] for d in info.value.details] == ["death.already_deceased"]
    assert "[death.already_deceased]" in str(info.value)
    app.refresh_from_db()
    assert app.status == Status.IN_REVIEW
    assert Claim.objects.filter(application=app, officer=budi).exists()
    assert not IssuedDocument.objects.filter(application=app).exists()


def test_approval_refuses_a_child_registered_meanwhile(family, agus_user, budi):
    answers = birth_answers()
    app = submitted(agus_user, "akta-kelahiran", answers=answers)
    ResidentFactory(
        family=family.kk,
        full_name="Putri Santoso",
        sex="P",
        birth_date=answers["child_birth_date"],
        mother_name="Rina Wati",
    )
    services.claim_application(app, actor=budi)
    with pytest.raises(services.BackofficeError) as info:
        services.approve(app, actor=budi)
    assert [d["code"] for d in info.value.details] == ["birth.already_registered"]
    assert Resident.objects.filter(full_name="Putri Santoso").count() == 1


def test_failed_rule_is_named_on_the_review_page(client, family, agus_user, budi):
    app = submitted(
        agus_user,
        "akta-kematian",
        family.sinta,
        {"death_date": timezone.localdate().isoformat(), "death_place": "Kudus"},
    )
    Resident.objects.filter(pk=family.sinta.pk).update(
        life_status=Resident.LifeStatus.DECEASED, death_date=timezone.localdate()
    )
    services.claim_application(app, actor=budi)
    client.force_login(budi)
    page = client.post(
        reverse("backoffice:decide", args=[app.reference]), {"action": "approve"}, follow=True
    ).content.decode()
    assert "death.already_deceased" in page and "sudah tercatat meninggal" in page
    assert 'data-testid="rule-code"' in page


# --- possible duplicates ---------------------------------------------------------------------


def birth_with_a_near_match(family, agus_user) -> tuple:
    answers = birth_answers()
    other = FamilyFactory(village=village("33.19.03.2001"))
    lookalike = ResidentFactory(
        family=other,
        full_name="Putri Santosa",
        sex="P",
        birth_date=answers["child_birth_date"],
        mother_name="Sulastri",
    )
    return submitted(agus_user, "akta-kelahiran", answers=answers), lookalike


def test_review_page_lists_possible_duplicates_across_the_regency(client, family, agus_user, budi):
    app, lookalike = birth_with_a_near_match(family, agus_user)
    services.claim_application(app, actor=budi)
    client.force_login(budi)
    page = client.get(reverse("backoffice:review", args=[app.reference])).content.decode()
    assert 'data-testid="duplicates"' in page
    assert "Putri Santosa" in page and lookalike.nik in page
    assert 'data-testid="duplicate-needs-supervisor"' in page
    # Showing another resident's data is an audited read.
    assert AuditEntry.objects.filter(
        action="personal_data.read", object_id=str(lookalike.pk)
    ).exists()


def test_operator_cannot_approve_a_flagged_duplicate(family, agus_user, budi):
    app, _lookalike = birth_with_a_near_match(family, agus_user)
    services.claim_application(app, actor=budi)
    with pytest.raises(services.BackofficeError) as info:
        services.approve(app, actor=budi, duplicate_reason="Sudah saya periksa, beda orang")
    assert info.value.code == "duplicate_needs_supervisor"
    app.refresh_from_db()
    assert app.status == Status.IN_REVIEW


def test_supervisor_approves_a_flagged_duplicate_with_a_written_reason(family, agus_user, dewi):
    app, lookalike = birth_with_a_near_match(family, agus_user)
    services.claim_application(app, actor=dewi)
    with pytest.raises(services.BackofficeError) as info:
        services.approve(app, actor=dewi, duplicate_reason="ok")
    assert info.value.code == "duplicate_reason_required"
    reason = "Ibu berbeda dan desa berbeda; dicek lewat telepon ke desa Jati."
    services.approve(app, actor=dewi, duplicate_reason=reason)
    app.refresh_from_db()
    assert app.status == Status.COMPLETED
    entry = AuditEntry.objects.get(action="backoffice.duplicate.overridden")
    assert entry.actor == dewi and entry.details["reason"] == reason
    assert entry.details["matches"][0]["nik"] == lookalike.masked_nik


def test_supervisor_override_through_the_page(client, family, agus_user, dewi):
    app, _lookalike = birth_with_a_near_match(family, agus_user)
    services.claim_application(app, actor=dewi)
    sign_in_with_totp(client, dewi)
    page = client.get(reverse("backoffice:review", args=[app.reference])).content.decode()
    assert 'data-testid="duplicate-reason"' in page
    url = reverse("backoffice:decide", args=[app.reference])
    # A verdict on every item and the confirmation step (issue 15) come first.
    decision = {"action": "approve", "confirmed": "1"}
    decision |= {f"verdict-{item}": "ok" for item in verdict_items(app)}
    refused = client.post(url, decision, follow=True).content.decode()
    assert "Tuliskan alasan" in refused
    app.refresh_from_db()
    assert app.status == Status.IN_REVIEW
    client.post(url, {**decision, "duplicate_reason": "Beda orang: ibu dan desa lain."})
    app.refresh_from_db()
    assert app.status == Status.COMPLETED


# --- twins ----------------------------------------------------------------------------------


def test_twins_get_their_own_akta_and_consecutive_serials(family, agus_user, budi):
    born = timezone.localdate() - dt.timedelta(days=5)
    # Both drafts started before either is filled in: the second start is a new draft.
    apps = [
        app_services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
        for _twin in range(2)
    ]
    for app, name in zip(apps, ("Hasan Santoso", "Husain Santoso"), strict=True):
        fill_required(
            app,
            agus_user,
            {
                "child_name": name,
                "child_sex": "L",
                "child_birth_place": "Kudus",
                "child_birth_date": born,
            },
        )
        app_services.submit_application(app, actor=agus_user)
    for app in apps:
        approve(app, budi)
    hasan = Resident.objects.get(full_name="Hasan Santoso")
    husain = Resident.objects.get(full_name="Husain Santoso")
    assert hasan.nik[:12] == husain.nik[:12]
    assert int(husain.nik[12:]) == int(hasan.nik[12:]) + 1
    births = IssuedDocument.objects.filter(kind=IssuedDocument.Kind.BIRTH)
    assert sorted(d.holder_name for d in births) == ["Hasan Santoso", "Husain Santoso"]


# --- status transitions -------------------------------------------------------------------


def death(applicant, who, officer):
    app = submitted(
        applicant,
        "akta-kematian",
        who,
        {"death_date": timezone.localdate().isoformat(), "death_place": "Kudus"},
    )
    return approve(app, officer)


def test_widow_becomes_cerai_mati_and_heads_the_kk(family, agus_user, budi):
    death(agus_user, family.agus, budi)
    family.rina.refresh_from_db()
    assert family.rina.marital_status == MaritalStatus.WIDOWED
    assert family.rina.relationship == Relationship.HEAD
    snap = latest_snapshot(family.kk)
    assert member(snap, family.rina.nik)["marital_status"] == MaritalStatus.WIDOWED
    # The children are still "anak" of the new head.
    for child in (family.dimas, family.sinta, family.bayu):
        child.refresh_from_db()
        assert child.relationship == Relationship.CHILD
    assert AuditEntry.objects.filter(
        action="register.resident.marital_status", object_id=str(family.rina.pk)
    ).exists()


def test_widower_becomes_cerai_mati(family, agus_user, budi):
    death(agus_user, family.rina, budi)
    family.agus.refresh_from_db()
    assert family.agus.marital_status == MaritalStatus.WIDOWED
    assert family.agus.relationship == Relationship.HEAD


def test_a_head_with_a_second_living_wife_stays_married(family, agus_user, budi):
    ResidentFactory(
        family=family.kk,
        full_name="Wulan",
        sex="P",
        relationship=Relationship.WIFE,
        marital_status=MaritalStatus.MARRIED,
        birth_date=years_ago(30),
    )
    death(agus_user, family.rina, budi)
    family.agus.refresh_from_db()
    assert family.agus.marital_status == MaritalStatus.MARRIED


def test_grandmother_named_head_restates_the_others(family, agus_user, budi):
    # Rina died earlier; now Agus dies and no spouse survives: the eldest member heads the KK.
    Resident.objects.filter(pk=family.rina.pk).update(
        life_status=Resident.LifeStatus.DECEASED,
        death_date=timezone.localdate() - dt.timedelta(days=400),
        family=None,
        relationship="",
    )
    grandma = ResidentFactory(
        family=family.kk,
        full_name="Mbah Sumi",
        sex="P",
        relationship=Relationship.PARENT,
        marital_status=MaritalStatus.WIDOWED,
        birth_date=years_ago(70),
    )
    death(agus_user, family.agus, budi)
    family.kk.refresh_from_db()
    assert family.kk.head == grandma
    grandma.refresh_from_db()
    assert grandma.relationship == Relationship.HEAD
    for child in (family.dimas, family.sinta, family.bayu):
        child.refresh_from_db()
        assert child.relationship == Relationship.GRANDCHILD
    snap = latest_snapshot(family.kk)
    assert member(snap, family.dimas.nik)["relationship"] == Relationship.GRANDCHILD
    entry = AuditEntry.objects.filter(action="register.family.head_changed").latest("pk")
    assert family.dimas.masked_nik in entry.details["relationships"]


def test_new_family_after_marriage_sets_both_kawin(family, agus_user, budi, kudus):
    family.dimas.birth_date = years_ago(22)
    family.dimas.ektp_recording = Resident.Recording.RECORDED
    family.dimas.save()
    bride = ResidentFactory(full_name="Ayu Lestari", sex="P", birth_date=years_ago(21))
    app = submitted(
        agus_user,
        "kk-keluarga-baru",
        family.dimas,
        {
            "marriage_date": "2026-01-10",
            "spouse_nik": bride.nik,
            "address": "Jl. Baru 1",
            "rt": "001",
            "rw": "001",
        },
    )
    approve(app, budi)
    for person in (family.dimas, bride):
        person.refresh_from_db()
        assert person.marital_status == MaritalStatus.MARRIED
    assert bride.relationship == Relationship.WIFE and bride.family == family.dimas.family
    snap = latest_snapshot(family.dimas.family)
    assert member(snap, bride.nik)["marital_status"] == MaritalStatus.MARRIED


def test_divorce_through_a_kk_change_sets_cerai_hidup_for_both(family, agus_user, budi):
    app = submitted(
        agus_user,
        "kk-perubahan-data",
        family.rina,
        {"changed_field": "marital_status", "new_value": "cerai_hidup", "reason": "Akta cerai"},
    )
    approve(app, budi)
    family.rina.refresh_from_db()
    family.agus.refresh_from_db()
    assert family.rina.marital_status == MaritalStatus.DIVORCED
    assert family.agus.marital_status == MaritalStatus.DIVORCED
    # No longer "istri" of the head; she leaves the KK by pisah KK.
    assert family.rina.relationship == Relationship.OTHER
    assert family.agus.relationship == Relationship.HEAD
    snap = latest_snapshot(family.kk)
    assert member(snap, family.agus.nik)["marital_status"] == MaritalStatus.DIVORCED


# --- unregistered marriage (SPTJM F-2.04) -------------------------------------------------------


@pytest.fixture
def young_couple(family):
    """Dimas (22) and Ayu, married but not yet recorded, on his parents' KK."""
    family.dimas.birth_date = years_ago(22)
    family.dimas.marital_status = MaritalStatus.MARRIED
    family.dimas.ektp_recording = Resident.Recording.RECORDED
    family.dimas.save()
    ayu = ResidentFactory(
        family=family.kk,
        full_name="Ayu Lestari",
        sex="P",
        relationship=Relationship.CHILD_IN_LAW,
        marital_status=MaritalStatus.MARRIED,
        birth_date=years_ago(21),
    )
    return account_for(family.dimas), ayu


def test_prefill_names_the_applicant_and_spouse_not_the_grandparents(family, young_couple):
    dimas_user, ayu = young_couple
    app = app_services.create_draft(applicant=dimas_user, variant=variant("akta-kelahiran"))
    assert app.data["father_nik"] == family.dimas.nik
    assert app.data["mother_nik"] == ayu.nik


def test_prefill_leaves_a_spouse_on_another_kk_empty(family, kudus):
    family.dimas.birth_date = years_ago(22)
    family.dimas.marital_status = MaritalStatus.MARRIED
    family.dimas.save()
    app = app_services.create_draft(
        applicant=account_for(family.dimas), variant=variant("akta-kelahiran")
    )
    assert app.data["father_nik"] == family.dimas.nik
    assert "mother_nik" not in app.data


def test_akta_states_the_unrecorded_marriage_with_the_catalogue_text(family, young_couple, budi):
    dimas_user, _ayu = young_couple
    app = submitted(
        dimas_user,
        "akta-kelahiran",
        answers={**birth_answers(), "no_marriage_certificate": True},
    )
    approve(app, budi)
    akta = IssuedDocument.objects.get(kind=IssuedDocument.Kind.BIRTH)
    assert akta.data["father_name"] == "Dimas Santoso" and akta.data["mother_name"] == "Ayu Lestari"
    assert akta.data["parents_note"] == {
        "after_parents": "yang perkawinannya belum tercatat sesuai dengan ketentuan "
        "peraturan perundang-undangan"
    }


def test_akta_wording_is_editable_in_the_catalogue(family, young_couple, budi):
    dimas_user, _ayu = young_couple
    DocumentText.objects.filter(code="akta-lahir-perkawinan-belum-tercatat").update(
        text="yang perkawinannya belum tercatat (templat baru)"
    )
    app = submitted(
        dimas_user, "akta-kelahiran", answers={**birth_answers(), "no_marriage_certificate": True}
    )
    approve(app, budi)
    akta = IssuedDocument.objects.get(kind=IssuedDocument.Kind.BIRTH)
    assert akta.data["parents_note"]["after_parents"].endswith("(templat baru)")


def test_child_with_no_recorded_father(family, kudus, budi):
    sinta_mum = ResidentFactory(
        family=FamilyFactory(),
        full_name="Lina",
        sex="P",
        relationship=Relationship.HEAD,
        birth_date=years_ago(20),
    )
    sinta_mum.family.head = sinta_mum
    sinta_mum.family.save()
    lina_user = account_for(sinta_mum)
    app = submitted(lina_user, "akta-kelahiran", answers=birth_answers())
    assert not app.data.get("father_nik")
    approve(app, budi)
    akta = IssuedDocument.objects.get(kind=IssuedDocument.Kind.BIRTH)
    assert akta.data["parents_note"] == {"before_mother": "anak dari seorang ibu"}
    assert akta.data["father_name"] == ""


def test_staff_are_warned_when_the_parents_are_on_different_kks(client, family, budi, kudus):
    mother_kk = FamilyFactory()
    mother = ResidentFactory(
        family=mother_kk,
        full_name="Siti Aminah",
        sex="P",
        relationship=Relationship.CHILD,
        birth_date=years_ago(23),
    )
    agus_user = account_for(family.agus)
    app = submitted(
        agus_user,
        "akta-kelahiran",
        answers={**birth_answers(), "mother_nik": mother.nik, "no_marriage_certificate": True},
    )
    client.force_login(budi)
    page = client.get(reverse("backoffice:review", args=[app.reference])).content.decode()
    assert 'data-testid="rule-warnings"' in page
    assert "birth.parents_on_different_kk" in page and "Siti Aminah" in page


def test_divorce_through_an_ektp_change_sets_cerai_hidup_for_both(family, agus_user, budi):
    app = submitted(
        agus_user,
        "ektp-perubahan-data",
        family.agus,
        {"changed_field": "marital_status", "new_value": "Cerai hidup", "pickup_place": "dinas"},
    )
    approve(app, budi)
    family.rina.refresh_from_db()
    family.agus.refresh_from_db()
    assert family.agus.marital_status == MaritalStatus.DIVORCED
    assert family.rina.marital_status == MaritalStatus.DIVORCED
    assert family.rina.relationship == Relationship.OTHER
