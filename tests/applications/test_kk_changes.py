"""Issue 15 item 7: a KK data change carries several changes (member, field, new value per
row), checked per change and together, itemised for the officer, applied as one KK version;
answers stored in the older one-change shape stay readable; single-choice screens skipped."""

from __future__ import annotations

import pytest
from django.urls import reverse

from paksemmok.applications import rules
from paksemmok.applications import services as app_services
from paksemmok.applications.checks import SubmissionRejected
from paksemmok.applications.lifecycle import Status
from paksemmok.applications.models import Application
from paksemmok.audit.models import AuditEntry
from paksemmok.backoffice import services
from paksemmok.backoffice.review import approval_effects, register_differences
from paksemmok.issuance.models import IssuedDocument
from paksemmok.population.models import FamilyVersion
from tests.cast import fill_required, submitted, variant

pytestmark = pytest.mark.django_db


def two_changes(family) -> dict:
    return {
        "changes": [
            {"member": "", "field": "education", "value": "sd"},
            {"member": family.dimas.nik, "field": "occupation", "value": "Pelajar"},
        ],
        "reason": "Lulus SD; Dimas pelajar",
    }


def test_two_changes_for_two_members_become_one_kk_version(family, agus_user, budi):
    app = submitted(agus_user, "kk-perubahan-data", family.sinta, two_changes(family))
    versions = FamilyVersion.objects.filter(family=family.kk).count()

    rows = {r["code"]: r for r in register_differences(app)}
    items = rows["changes"]["changes"]
    assert [(c["member_name"], c["field"], c["new"]) for c in items] == [
        ("Sinta Santoso", "education", "Tamat SD/sederajat"),
        ("Dimas Santoso", "occupation", "Pelajar"),
    ]
    assert all(c["differs"] for c in items) and rows["changes"]["differs"]
    effects = approval_effects(app)
    assert any("Sinta Santoso" in line and "→ Tamat SD/sederajat" in line for line in effects)
    assert any("Dimas Santoso" in line and "→ Pelajar" in line for line in effects)

    services.claim_application(app, actor=budi)
    docs = services.approve(app, actor=budi)

    family.sinta.refresh_from_db()
    family.dimas.refresh_from_db()
    assert family.sinta.education == "sd" and family.dimas.occupation == "Pelajar"
    assert [d.kind for d in docs] == [IssuedDocument.Kind.KK]
    assert FamilyVersion.objects.filter(family=family.kk).count() == versions + 1
    changed = AuditEntry.objects.filter(action="register.resident.changed")
    assert {(e.object_id, e.details["field"]) for e in changed} == {
        (str(family.sinta.pk), "education"),
        (str(family.dimas.pk), "occupation"),
    }


def test_the_same_field_of_the_same_member_twice_is_refused(family):
    answers = {
        "changes": [
            {"member": "", "field": "education", "value": "sd"},
            {"member": family.sinta.nik, "field": "education", "value": "smp"},
        ]
    }
    found = rules.check(variant("kk-perubahan-data"), family.sinta, answers)
    assert {v.code for v in found} == {"change.twice"}
    assert found[0].item == "field:changes"
    # Different members, or different fields, are fine.
    answers["changes"][1]["member"] = family.dimas.nik
    assert rules.check(variant("kk-perubahan-data"), family.sinta, answers) == []


def test_a_change_for_someone_not_on_the_kk_is_refused(family, eko_user):
    answers = {"changes": [{"member": eko_user.resident.nik, "field": "occupation", "value": "x"}]}
    found = rules.check(variant("kk-perubahan-data"), family.sinta, answers)
    assert {v.code for v in found} == {"change.not_member"}


def test_each_change_is_checked_by_the_rules(family, agus_user):
    """A divorce is refused for the unmarried member even beside a valid change."""
    app = app_services.create_draft(
        applicant=agus_user, variant=variant("kk-perubahan-data"), subject=family.sinta
    )
    data = {
        "changes": [
            {"member": "", "field": "education", "value": "sd"},
            {"member": family.dimas.nik, "field": "marital_status", "value": "cerai_hidup"},
            {"member": family.dimas.nik, "field": "occupation", "value": ""},
        ],
        "reason": "x",
    }
    fill_required(app, agus_user, data)
    with pytest.raises(SubmissionRejected) as refused:
        app_services.submit_application(app, actor=agus_user)
    found = {(p.code, p.item) for p in refused.value.problems}
    assert ("change.divorce_not_married", "field:changes") in found
    assert ("", "field:changes") in found  # the third row has no new value


def test_an_application_stored_with_one_change_stays_readable(family, agus_user, budi):
    """Saved before issue 15: "changed_field"/"new_value", no "changes"."""
    app = submitted(agus_user, "kk-perubahan-data", family.sinta, two_changes(family))
    Application.objects.filter(pk=app.pk).update(
        data={"changed_field": "education", "new_value": "sltp", "reason": "Lulus"}
    )
    app.refresh_from_db()
    (row,) = [r for r in register_differences(app) if r["code"] == "changes"]
    items = [(c["member_name"], c["new"]) for c in row["changes"]]
    assert items == [("Sinta Santoso", "SLTP/sederajat")]
    services.claim_application(app, actor=budi)
    services.approve(app, actor=budi)
    family.sinta.refresh_from_db()
    assert family.sinta.education == "sltp"


def test_the_form_saves_rows_and_offers_one_more(client, family, agus_user):
    app = app_services.create_draft(
        applicant=agus_user, variant=variant("kk-perubahan-data"), subject=family.sinta
    )
    client.force_login(agus_user)
    url = reverse("applications:edit", args=[app.reference])
    page = client.get(url).content.decode()
    assert 'name="changes-0-field"' in page and 'name="changes-1-field"' not in page
    assert family.dimas.nik in page  # a member to choose
    response = client.post(
        url,
        {
            "changes-0-member": "",
            "changes-0-field": "education",
            "changes-0-value": "Tamat SD/sederajat",
            "changes-1-member": family.dimas.nik,
            "changes-1-field": "birth_date",
            "changes-1-value": "03-04-2010",
            "changes-2-member": "",
            "changes-2-field": "",
            "changes-2-value": "",
            "reason": "Koreksi",
        },
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.data["changes"] == [
        {"member": "", "field": "education", "value": "sd"},
        {"member": family.dimas.nik, "field": "birth_date", "value": "2010-04-03"},
    ]
    page = client.get(url).content.decode()
    assert 'name="changes-2-field"' in page and 'name="changes-3-field"' not in page
    review = client.get(reverse("applications:review", args=[app.reference])).content.decode()
    assert "Dimas Santoso · Tanggal lahir" in review and "03-04-2010" in review
    assert "Sinta Santoso · Pendidikan" in review and "Tamat SD/sederajat" in review


def test_a_bad_row_is_shown_and_nothing_saved(client, family, agus_user):
    app = app_services.create_draft(
        applicant=agus_user, variant=variant("kk-perubahan-data"), subject=family.sinta
    )
    client.force_login(agus_user)
    url = reverse("applications:edit", args=[app.reference])
    response = client.post(
        url,
        {"changes-0-member": "", "changes-0-field": "birth_date", "changes-0-value": "kemarin"},
    )
    assert response.status_code == 422
    assert "Perubahan 1: tulis tanggal sebagai HH-BB-TTTT." in response.content.decode()
    app.refresh_from_db()
    assert "changes" not in app.data


def test_the_api_takes_the_rows_as_a_list(family, agus_user):
    from tests.api.conftest import token_client

    app = app_services.create_draft(
        applicant=agus_user, variant=variant("kk-perubahan-data"), subject=family.sinta
    )
    agus_user.contact_verified = True
    agus_user.save(update_fields=["contact_verified"])
    api = token_client(agus_user)
    rows = [{"member": family.dimas.nik, "field": "occupation", "value": "Pelajar"}]
    response = api.patch(
        f"/api/v1/applications/{app.reference}/", {"data": {"changes": rows}}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["data"]["changes"] == rows


def test_a_one_person_kk_goes_straight_to_the_form(client, eko_user):
    client.force_login(eko_user)
    url = reverse("applications:choose_subject", args=["kk-hilang-rusak"])
    first = client.get(url)
    app = Application.objects.get(applicant=eko_user)
    assert first.status_code == 302
    assert first["Location"] == reverse("applications:edit", args=[app.reference])
    assert app.subject == eko_user.resident and app.status == Status.DRAFT
    # Again (back button, another device): the same draft, not a second one.
    assert client.get(url)["Location"] == first["Location"]
    assert Application.objects.filter(applicant=eko_user).count() == 1


def test_a_kk_with_several_members_keeps_the_choice(client, family, agus_user):
    client.force_login(agus_user)
    url = reverse("applications:choose_subject", args=["kk-hilang-rusak"])
    assert client.get(url).status_code == 200
    assert not Application.objects.filter(applicant=agus_user).exists()


def test_the_kk_change_points_a_newborn_to_the_birth_registration(client, family, agus_user):
    client.force_login(agus_user)
    page = client.get(
        reverse("applications:choose_subject", args=["kk-perubahan-data"])
    ).content.decode()
    assert 'data-testid="newborn-note"' in page
    assert reverse("applications:choose_subject", args=["akta-kelahiran"]) in page
    response = client.post(
        reverse("applications:choose_subject", args=["akta-kelahiran"]), {"subject": "newborn"}
    )
    app = Application.objects.get(applicant=agus_user, variant__code="akta-kelahiran")
    assert response["Location"] == reverse("applications:edit", args=[app.reference])


def test_a_change_asks_for_its_own_evidence_where_the_catalogue_says(family):
    from paksemmok.applications.checks import needed_requirements

    def needed(*fields: str) -> set[str]:
        rows = [{"member": "", "field": f, "value": "x"} for f in fields]
        found = needed_requirements(variant("kk-perubahan-data"), {"changes": rows})
        return {r.code for r in found}

    base = {"kk_lama", "bukti_perubahan"}
    assert needed("occupation") == base
    assert needed("education") == base | {"ijazah"}
    assert needed("education", "marital_status") == base | {"ijazah", "dokumen_perkawinan"}
    # The older one-change shape asks the same.
    old = {"changed_field": "marital_status", "new_value": "kawin"}
    codes = {r.code for r in needed_requirements(variant("kk-perubahan-data"), old)}
    assert codes == base | {"dokumen_perkawinan"}
