"""The register rules through the API: the resident's refusal carries the rule code, staff
see warnings and possible duplicates, and approval answers rule_violation or the duplicate
codes."""

from __future__ import annotations

import pytest
from django.utils import timezone

from paksemmok.applications.lifecycle import Status
from paksemmok.audit.models import AuditEntry
from paksemmok.population.models import Resident
from tests.cast import birth_answers, fill_required, submitted
from tests.factories import FamilyFactory, ResidentFactory, village

from .conftest import assert_error

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_settings")]


def url(app, action: str = "") -> str:
    return f"/api/v1/staff/applications/{app.reference}/" + (f"{action}/" if action else "")


def test_resident_submission_of_a_registered_child_is_refused_with_the_rule(a_client, family, agus):
    answers = birth_answers()
    existing = ResidentFactory(
        family=family.kk,
        full_name="Putri Santoso",
        sex="P",
        birth_date=answers["child_birth_date"],
        mother_name="Rina Wati",
    )
    created = a_client.post("/api/v1/applications/", {"variant": "akta-kelahiran"}, format="json")
    assert created.status_code == 201, created.content
    reference = created.json()["reference"]
    from paksemmok.applications.models import Application

    app = Application.objects.get(reference=reference)
    fill_required(app, agus, {**answers, "child_name": "Putri  Santoso"})
    response = a_client.post(f"/api/v1/applications/{reference}/submit/", format="json")
    data = assert_error(response, 422, "submission_rejected")
    (problem,) = [d for d in data["details"] if d["code"] == "birth.already_registered"]
    assert problem["item"] == "field:child_name" and existing.masked_nik in problem["message"]
    assert Application.objects.get(pk=app.pk).status == Status.DRAFT


@pytest.fixture
def flagged_birth(family, agus):
    answers = birth_answers()
    other = FamilyFactory(village=village("33.19.03.2001"))
    lookalike = ResidentFactory(
        family=other,
        full_name="Putri Santosa",
        sex="P",
        birth_date=answers["child_birth_date"],
        mother_name="Sulastri",
    )
    return submitted(agus, "akta-kelahiran", answers=answers), lookalike


def test_review_data_lists_possible_duplicates(budi_client, flagged_birth):
    app, lookalike = flagged_birth
    assert budi_client.post(url(app, "claim")).status_code == 200
    data = budi_client.get(url(app)).json()
    (row,) = data["possible_duplicates"]
    assert row["nik"] == lookalike.nik and row["full_name"] == "Putri Santosa"
    assert row["score"] >= 0.75 and not row["same_family"] and not row["same_mother"]
    assert data["warnings"] == []


def test_operator_approval_of_a_flagged_duplicate_is_403(budi_client, flagged_birth):
    app, _ = flagged_birth
    budi_client.post(url(app, "claim"))
    response = budi_client.post(url(app, "decide"), {"decision": "approve"}, format="json")
    assert_error(response, 403, "duplicate_needs_supervisor")


def test_supervisor_approves_with_a_reason(dewi_client, flagged_birth):
    app, _ = flagged_birth
    assert dewi_client.post(url(app, "claim")).status_code == 200
    missing = dewi_client.post(url(app, "decide"), {"decision": "approve"}, format="json")
    assert_error(missing, 422, "duplicate_reason_required")
    reason = "Ibu dan desa berbeda, bukan orang yang sama."
    done = dewi_client.post(
        url(app, "decide"), {"decision": "approve", "duplicate_reason": reason}, format="json"
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == Status.COMPLETED
    assert AuditEntry.objects.get(action="backoffice.duplicate.overridden").details["reason"] == (
        reason
    )


def test_approval_after_the_register_changed_answers_rule_violation(budi_client, family, agus):
    app = submitted(
        agus,
        "akta-kematian",
        family.sinta,
        {"death_date": timezone.localdate().isoformat(), "death_place": "Kudus"},
    )
    Resident.objects.filter(pk=family.sinta.pk).update(
        life_status=Resident.LifeStatus.DECEASED, death_date=timezone.localdate()
    )
    budi_client.post(url(app, "claim"))
    review = budi_client.get(url(app)).json()
    assert "death.already_deceased" in [p["code"] for p in review["problems"]]
    response = budi_client.post(url(app, "decide"), {"decision": "approve"}, format="json")
    data = assert_error(response, 422, "rule_violation")
    assert [d["code"] for d in data["details"]] == ["death.already_deceased"]
    assert data["details"][0]["message"]


def test_a_second_newborn_draft_is_a_new_one(a_client, agus):
    first = a_client.post("/api/v1/applications/", {"variant": "akta-kelahiran"}, format="json")
    ref = first.json()["reference"]
    saved = a_client.patch(
        f"/api/v1/applications/{ref}/", {"data": {"child_name": "Hasan"}}, format="json"
    )
    assert saved.status_code == 200, saved.content
    second = a_client.post("/api/v1/applications/", {"variant": "akta-kelahiran"}, format="json")
    assert second.status_code == 201 and second.json()["reference"] != ref
    assert a_client.get(f"/api/v1/applications/{ref}/").json()["data"]["child_name"] == "Hasan"


def test_staff_see_the_different_kk_warning(budi_client, family, agus, kudus):
    from tests.cast import years_ago

    mother = ResidentFactory(
        family=FamilyFactory(), full_name="Siti Aminah", sex="P", birth_date=years_ago(23)
    )
    app = submitted(
        agus,
        "akta-kelahiran",
        answers={**birth_answers(), "mother_nik": mother.nik, "no_marriage_certificate": True},
    )
    budi_client.post(url(app, "claim"))
    data = budi_client.get(url(app)).json()
    assert [w["code"] for w in data["warnings"]] == ["birth.parents_on_different_kk"]
    assert data["warnings"][0]["severity"] == "warning"
