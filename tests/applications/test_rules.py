"""The register rules (applications/rules.py): each refuses at submission with its code, and
the registry is what the catalogue's rule codes point at."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from paksemmok.applications import rules, services
from paksemmok.applications.checks import SubmissionRejected
from paksemmok.applications.models import Application
from paksemmok.catalog.models import ELIGIBILITY_RULES
from paksemmok.population.models import MaritalStatus, Relationship, Resident
from tests.cast import birth_answers, fill_required, variant, years_ago
from tests.factories import FamilyFactory, ResidentFactory

pytestmark = pytest.mark.django_db


def codes(violations) -> set[str]:
    return {v.code for v in violations}


def refused_codes(applicant, code, subject=None, answers=None) -> set[str]:
    """Rule codes that refuse the application at draft start or at submission."""
    try:
        app = services.create_draft(applicant=applicant, variant=variant(code), subject=subject)
    except SubmissionRejected as exc:
        return {p.code for p in exc.problems if p.code}
    fill_required(app, applicant, answers or {})
    with pytest.raises(SubmissionRejected) as info:
        services.submit_application(app, actor=applicant)
    assert Application.objects.get(pk=app.pk).status == "draft"  # nothing queued
    return {p.code for p in info.value.problems if p.code}


def test_every_catalogue_rule_code_has_a_rule():
    assert set(rules.ELIGIBILITY) == set(ELIGIBILITY_RULES)
    for entry in rules.RULES.values():
        assert entry.code and entry.description and (entry.variants or entry.catalogue)


def test_check_is_callable_without_an_application(family):
    # The property test and check_register call the rules with plain values.
    found = rules.check("kk-pisah", family.dimas, {}, family=family.kk)
    assert codes(found) == {"split.not_adult", "split.not_recorded"}
    assert all(v.message and v.blocking for v in found)


# --- pisah KK ---------------------------------------------------------------------------


def test_split_by_a_17_year_old_without_ektp_is_refused(family, agus_user):
    # The case: 17, unmarried, not yet recorded.
    family.dimas.birth_date = years_ago(17, days=3)
    family.dimas.save()
    found = refused_codes(agus_user, "kk-pisah", family.dimas)
    assert found == {"split.not_recorded"}


def test_split_by_an_unmarried_16_year_old_is_refused_for_age(family, agus_user):
    family.dimas.ektp_recording = Resident.Recording.RECORDED
    family.dimas.save()
    assert refused_codes(agus_user, "kk-pisah", family.dimas) == {"split.not_adult"}


def test_split_by_a_married_16_year_old_with_ektp_is_allowed(family, agus_user):
    family.dimas.marital_status = MaritalStatus.MARRIED
    family.dimas.ektp_recording = Resident.Recording.RECORDED
    family.dimas.save()
    assert rules.check(variant("kk-pisah"), family.dimas, {}, family=family.kk) == []


def test_the_head_may_not_split_away(family, agus_user):
    assert refused_codes(agus_user, "kk-pisah", family.agus) == {"split.is_head"}


def test_split_from_a_family_without_a_living_head_is_refused(family, agus_user):
    family.agus.life_status = Resident.LifeStatus.DECEASED
    family.agus.death_date = timezone.localdate()
    family.agus.relationship = Relationship.OTHER
    family.agus.save()
    found = rules.check(variant("kk-pisah"), family.rina, {}, family=family.kk)
    assert codes(found) == {"split.family_without_head"}


# --- e-KTP, KIA -------------------------------------------------------------------------


def test_ektp_rules_keep_their_codes(family, agus_user):
    assert refused_codes(agus_user, "ektp-cetak", family.dimas) == {"ektp.too_young"}
    family.dimas.birth_date = years_ago(18)
    family.dimas.save()
    assert refused_codes(agus_user, "ektp-cetak", family.dimas) == {"ektp.not_recorded"}


def test_kia_age_bands(family, agus_user):
    assert refused_codes(agus_user, "kia-bawah-5", family.sinta) == {"kia.not_under_5"}
    assert refused_codes(agus_user, "kia-5-17", family.bayu) == {"kia.not_5_to_17"}


# --- death ------------------------------------------------------------------------------


def death_answers() -> dict:
    return {
        "death_date": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
        "death_place": "RSUD Kudus",
    }


def test_death_of_someone_already_deceased_is_refused(family, agus_user):
    family.sinta.life_status = Resident.LifeStatus.DECEASED
    family.sinta.death_date = timezone.localdate()
    family.sinta.save()
    found = rules.check(variant("akta-kematian"), family.sinta, death_answers())
    assert codes(found) == {"death.already_deceased"}


def test_a_second_death_report_for_the_same_person_is_refused(family, agus_user, helper_user):
    first = services.create_draft(
        applicant=agus_user, variant=variant("akta-kematian"), subject=family.rina
    )
    fill_required(first, agus_user, death_answers())
    services.submit_application(first, actor=agus_user)
    # Another device, another draft (started before the first was sent).
    found = rules.check(variant("akta-kematian"), family.rina, death_answers(), family=family.kk)
    assert codes(found) == {"death.already_reported"}
    violation = found[0]
    assert first.reference in violation.message and violation.link.endswith(f"/{first.reference}/")
    # The application itself is never its own duplicate.
    assert rules.check_application(first) == []


def test_death_date_before_birth(family):
    found = rules.check(
        variant("akta-kematian"), family.bayu, {"death_date": "2000-01-01"}, family=family.kk
    )
    assert codes(found) == {"death.before_birth"}
    assert found[0].item == "field:death_date"


# --- new family, new head, change of data ----------------------------------------------------


def test_new_family_spouse_rules(family, kudus):
    other = ResidentFactory(full_name="Andi", sex="L", birth_date=years_ago(25))
    check = lambda nik: codes(  # noqa: E731
        rules.check(variant("kk-keluarga-baru"), family.agus, {"spouse_nik": nik})
    )
    assert check(family.agus.nik) == {"marriage.same_person"}
    assert check(other.nik) == {"marriage.same_sex"}
    assert check("3319024107950009") == {"marriage.spouse_not_found"}
    assert check(family.rina.nik) == set()


def test_new_head_while_the_head_lives_is_refused(family, agus_user):
    found = rules.check(
        variant("kk-kepala-meninggal"), family.rina, {"new_head_nik": family.rina.nik}
    )
    assert codes(found) == {"new_head.head_alive"}


def test_divorce_through_a_change_needs_a_marriage(family):
    answers = {"changed_field": "marital_status", "new_value": "cerai_hidup"}
    assert codes(rules.check(variant("kk-perubahan-data"), family.sinta, answers)) == {
        "change.divorce_not_married"
    }
    assert rules.check(variant("kk-perubahan-data"), family.rina, answers) == []
    head = {"changed_field": "relationship", "new_value": "kepala"}
    assert codes(rules.check(variant("kk-perubahan-data"), family.rina, head)) == {
        "change.head_by_change"
    }


# --- birth ------------------------------------------------------------------------------


def registered_child(family, name: str, born: dt.date, **kw) -> Resident:
    return ResidentFactory(
        family=family.kk,
        full_name=name,
        sex="P",
        birth_date=born,
        mother_name=family.rina.full_name,
        father_name=family.agus.full_name,
        ektp_recording=Resident.Recording.NOT_RECORDED,
        **kw,
    )


def test_birth_of_a_child_already_registered_is_refused_with_a_reference(family, agus_user):
    answers = birth_answers()
    existing = registered_child(family, "Putri Santoso", answers["child_birth_date"])
    # Written differently: spacing, a final "ie".
    found = refused_codes(
        agus_user, "akta-kelahiran", answers={**answers, "child_name": "Putrie  Santoso"}
    )
    assert found == {"birth.already_registered"}
    app = Application.objects.get()
    (violation,) = [v for v in rules.check_application(app) if v.code == "birth.already_registered"]
    assert existing.masked_nik in violation.message and "Putri Santoso" in violation.message
    assert violation.item == "field:child_name"
    assert violation.link == "/akun/profil/#anggota" or violation.link.endswith("#anggota")
    assert violation.details["resident"] == existing.pk and violation.details["same_family"]


def test_same_mother_on_another_kk_is_a_match_too(family, agus_user, kudus):
    answers = birth_answers()
    grandparents = FamilyFactory()
    ResidentFactory(
        family=grandparents,
        full_name="Moh. Rizky",
        birth_date=answers["child_birth_date"],
        mother_name="RINA WATI",
    )
    found = rules.check(
        variant("akta-kelahiran"),
        None,
        {**answers, "child_name": "Muhammad Rizki", "mother_nik": family.rina.nik},
        family=family.kk,
    )
    assert codes(found) == {"birth.already_registered"}
    assert found[0].details["same_mother"] and not found[0].details["same_family"]
    assert found[0].link == ""


def test_twins_are_not_each_others_duplicates(family, agus_user):
    born = timezone.localdate() - dt.timedelta(days=10)
    registered_child(family, "Muhammad Hasan", born)
    found = rules.check(
        variant("akta-kelahiran"),
        None,
        {**birth_answers(), "child_name": "Muhammad Husain", "mother_nik": family.rina.nik},
        family=family.kk,
    )
    assert "birth.already_registered" not in codes(found)


def test_two_open_births_for_the_same_child_are_refused(family, agus_user):
    first = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
    fill_required(first, agus_user, birth_answers())
    services.submit_application(first, actor=agus_user)
    second = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
    answers = {**birth_answers(), "child_name": "Putri  Santosa"}
    fill_required(second, agus_user, answers)
    with pytest.raises(SubmissionRejected) as info:
        services.submit_application(second, actor=agus_user)
    assert {p.code for p in info.value.problems} == {"birth.open_application"}


def test_twin_drafts_are_separate_and_both_can_be_sent(family, agus_user):
    first = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
    second = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
    assert first.pk != second.pk
    fill_required(first, agus_user, {**birth_answers(), "child_name": "Hasan Santoso"})
    fill_required(second, agus_user, {**birth_answers(), "child_name": "Husain Santoso"})
    services.submit_application(first, actor=agus_user)
    services.submit_application(second, actor=agus_user)
    first.refresh_from_db()
    assert first.data["child_name"] == "Hasan Santoso"


def test_parents_rules_and_the_different_kk_warning(family, agus_user, kudus):
    born = birth_answers()["child_birth_date"]
    other_kk_mother = ResidentFactory(
        full_name="Siti Aminah", sex="P", birth_date=years_ago(24), relationship=Relationship.CHILD
    )
    data = {
        **birth_answers(),
        "father_nik": family.agus.nik,
        "mother_nik": other_kk_mother.nik,
    }
    found = rules.check(variant("akta-kelahiran"), None, data, family=family.kk)
    assert codes(found) == {"birth.parents_on_different_kk"}
    assert rules.errors(found) == [] and len(rules.warnings(found)) == 1
    # Swapped parents, and a parent born after the child.
    swapped = {**data, "father_nik": other_kk_mother.nik, "mother_nik": family.agus.nik}
    assert {"birth.father_not_male", "birth.mother_not_female"} <= codes(
        rules.check(variant("akta-kelahiran"), None, swapped, family=family.kk)
    )
    young = ResidentFactory(full_name="Ayu", sex="P", birth_date=born + dt.timedelta(days=1))
    late = rules.check(
        variant("akta-kelahiran"),
        None,
        {**birth_answers(), "mother_nik": young.nik},
        family=family.kk,
    )
    assert "birth.parent_born_after_child" in codes(late)


def test_the_warning_does_not_stop_submission(family, agus_user, kudus):
    mother = ResidentFactory(
        full_name="Siti Aminah", sex="P", birth_date=years_ago(24), relationship=Relationship.CHILD
    )
    app = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
    fill_required(
        app,
        agus_user,
        {**birth_answers(), "mother_nik": mother.nik, "no_marriage_certificate": True},
    )
    services.submit_application(app, actor=agus_user)
    assert Application.objects.get(pk=app.pk).status == "submitted"


# --- the pages ----------------------------------------------------------------------------


def test_resident_page_refuses_a_registered_child_with_a_link(client, family, agus_user):
    answers = birth_answers()
    existing = registered_child(family, "Putri Santoso", answers["child_birth_date"])
    app = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
    fill_required(app, agus_user, answers)
    client.force_login(agus_user)
    response = client.post(f"/permohonan/{app.reference}/periksa/")
    assert response.status_code == 422
    page = response.content.decode()
    assert "Anak ini sudah terdaftar" in page and existing.masked_nik in page
    assert 'href="/akun/profil/#anggota"' in page or "#anggota" in page
    assert Application.objects.get(pk=app.pk).status == "draft"


def test_split_refusal_is_shown_when_choosing_the_member(client, family, agus_user):
    client.force_login(agus_user)
    page = client.get("/permohonan/baru/kk-pisah/").content.decode()
    assert "kepala keluarga tidak dapat pisah KK" in page
    response = client.post("/permohonan/baru/kk-pisah/", {"subject": family.agus.pk})
    assert response.status_code == 422
    assert not Application.objects.exists()
