"""The staff API: queue, claims, review data and decisions, through the same back-office
services as the pages; residents, helpers and anonymous clients are kept out of all of it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from paksemmok.accounts.models import User
from paksemmok.api.models import ApiToken
from paksemmok.applications.lifecycle import Status
from paksemmok.audit.models import AuditEntry
from paksemmok.backoffice import services
from paksemmok.backoffice.models import Claim
from paksemmok.issuance.models import IssuedDocument
from paksemmok.notifications.models import Message
from paksemmok.population.models import Relationship, Resident
from tests.cast import birth_answers, staff, submitted

from .conftest import assert_error, session_client, token_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_settings")]

QUEUE = "/api/v1/staff/queue/"
TAKE_NEXT = "/api/v1/staff/queue/take-next/"


def url(app, action: str = "") -> str:
    return f"/api/v1/staff/applications/{app.reference}/" + (f"{action}/" if action else "")


@pytest.fixture
def ektp(family, agus):
    return submitted(agus, "ektp-cetak", family.agus, {"pickup_place": "dinas"})


@pytest.fixture
def birth(family, agus):
    return submitted(agus, "akta-kelahiran", answers=birth_answers())


def refs(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return [row["reference"] for row in response.json()["results"]]


# --- queue -----------------------------------------------------------------------------------


def test_operator_sees_only_own_services(citra_client, ektp, birth):
    assert refs(citra_client.get(QUEUE)) == [ektp.reference]
    # Outside one's services an application does not exist, as on the pages.
    for method, action in (("get", ""), ("post", "claim"), ("post", "release"), ("post", "decide")):
        response = getattr(citra_client, method)(
            url(birth, action), {"decision": "approve"}, format="json"
        )
        assert_error(response, 404, "not_found")
    assert not Claim.objects.exists()


def test_supervisor_sees_all_oldest_deadline_first(dewi_client, family, agus):
    with time_machine.travel(timezone.now() - dt.timedelta(hours=30), tick=False):
        late = submitted(agus, "ektp-cetak", family.agus, {"pickup_place": "dinas"})
    recent = submitted(agus, "akta-kelahiran", answers=birth_answers())
    response = dewi_client.get(QUEUE)
    assert refs(response) == [late.reference, recent.reference]
    first, second = response.json()["results"]
    assert first["overdue"] is True and first["seconds_left"] < 0
    assert second["overdue"] is False and second["seconds_left"] > 0
    assert first["claimed_by"] is None and first["status"] == Status.SUBMITTED
    assert response["Cache-Control"] == "private, no-store"


def test_queue_rows_carry_no_identity_numbers(budi_client, family, ektp):
    text = budi_client.get(QUEUE).content.decode()
    assert family.agus.nik not in text and family.kk.kk_number not in text
    assert set(budi_client.get(QUEUE).json()["results"][0]) == {
        "reference",
        "service",
        "service_name",
        "variant",
        "variant_name",
        "status",
        "status_label",
        "kecamatan",
        "submitted_at",
        "deadline_at",
        "seconds_left",
        "overdue",
        "near_deadline",
        "claimed_by",
        "claimed_by_me",
    }


def test_queue_filters_as_the_page(budi_client, budi, family, agus, birth):
    with time_machine.travel(timezone.now() - dt.timedelta(hours=30), tick=False):
        late = submitted(agus, "ektp-cetak", family.agus, {"pickup_place": "dinas"})
    services.claim_application(birth, actor=budi)
    assert refs(budi_client.get(QUEUE, {"service": "ektp"})) == [late.reference]
    assert refs(budi_client.get(QUEUE, {"variant": "akta-kelahiran"})) == [birth.reference]
    assert refs(budi_client.get(QUEUE, {"status": "overdue"})) == [late.reference]
    assert refs(budi_client.get(QUEUE, {"status": "free"})) == [late.reference]
    assert refs(budi_client.get(QUEUE, {"status": "in_review"})) == [birth.reference]
    assert refs(budi_client.get(QUEUE, {"status": "submitted"})) == [late.reference]
    # The family lives in Kota Kudus (33.19.02).
    assert refs(budi_client.get(QUEUE, {"kecamatan": "33.19.01"})) == []
    assert len(refs(budi_client.get(QUEUE, {"kecamatan": "33.19.02"}))) == 2
    assert refs(budi_client.get(QUEUE, {"status": ""})) == [late.reference, birth.reference]
    assert_error(budi_client.get(QUEUE, {"status": "semua"}), 400, "invalid")


def test_queue_is_paginated_by_cursor(budi_client, family, agus, ektp, birth):
    first = budi_client.get(QUEUE, {"page_size": 1}).json()
    assert first["count"] == 2 and first["count_capped"] is False
    assert len(first["results"]) == 1 and "after=" in first["next"]
    second = budi_client.get(first["next"]).json()
    assert second["results"][0]["reference"] != first["results"][0]["reference"]
    assert second["next"] is None
    assert_error(budi_client.get(QUEUE, {"after": "not-a-cursor"}), 400, "invalid")


# --- claims ----------------------------------------------------------------------------------


def test_claim_then_release(budi_client, budi, ektp):
    response = budi_client.post(url(ektp, "claim"))
    assert response.status_code == 200
    row = response.json()
    assert row["claimed_by_me"] is True and row["claimed_by"] == "Budi"
    ektp.refresh_from_db()
    assert ektp.status == Status.IN_REVIEW and ektp.claim.officer == budi
    assert AuditEntry.objects.filter(action="backoffice.claim.taken", actor=budi).count() == 1
    # Claiming again is harmless, as on the page.
    assert budi_client.post(url(ektp, "claim")).status_code == 200
    response = budi_client.post(url(ektp, "release"), {"reason": "istirahat"}, format="json")
    assert response.status_code == 200 and response.json()["claimed_by"] is None
    assert not Claim.objects.exists()
    assert (
        AuditEntry.objects.get(action="backoffice.claim.released").details["reason"] == "istirahat"
    )


def test_second_operator_gets_a_json_conflict(budi_client, citra_client, ektp, budi):
    assert budi_client.post(url(ektp, "claim")).status_code == 200
    body = assert_error(citra_client.post(url(ektp, "claim")), 409, "claimed_by_other")
    assert "Budi" in body["message"]
    assert Claim.objects.get().officer == budi
    # Only the holder or a supervisor may let go.
    assert_error(citra_client.post(url(ektp, "release")), 403, "not_permitted")
    assert Claim.objects.exists()


def test_supervisor_releases_anothers_claim(dewi_client, budi, ektp):
    services.claim_application(ektp, actor=budi)
    assert dewi_client.post(url(ektp, "release")).status_code == 200
    assert not Claim.objects.exists()


def test_take_next_claims_the_oldest_then_reports_an_empty_queue(
    budi_client, budi, family, agus, birth
):
    with time_machine.travel(timezone.now() - dt.timedelta(hours=30), tick=False):
        late = submitted(agus, "ektp-cetak", family.agus, {"pickup_place": "dinas"})
    first = budi_client.post(TAKE_NEXT).json()["application"]
    assert first["reference"] == late.reference and first["claimed_by_me"] is True
    second = budi_client.post(TAKE_NEXT).json()["application"]
    assert second["reference"] == birth.reference
    assert budi_client.post(TAKE_NEXT).json() == {"application": None}
    assert Claim.objects.filter(officer=budi).count() == 2


# --- review data -----------------------------------------------------------------------------


def test_review_data_is_audited_like_the_page(budi_client, budi, family, ektp):
    services.claim_application(ektp, actor=budi)
    response = budi_client.get(url(ektp))
    assert response.status_code == 200
    data = response.json()
    assert data["reference"] == ektp.reference and data["may_decide"] is True
    assert data["data"]["pickup_place"] == "dinas"
    assert {"code": "pickup_place"}.items() <= data["answers"][0].items()
    assert family.agus.nik in [m["nik"] for m in data["members"]]
    assert [m["is_subject"] for m in data["members"]].count(True) == 1
    assert {"code": "application", "label": "Permohonan"} in data["deficiency_items"]
    assert "unreadable" in [r["code"] for r in data["reasons"]]
    assert "submitted" in [e["action"] for e in data["events"]]
    reads = AuditEntry.objects.filter(action="personal_data.read", actor=budi)
    assert sorted(r.details["what"] for r in reads) == ["application", "kk_members", "register"]
    assert all(r.purpose == f"Permohonan {ektp.reference}" for r in reads)

    doc = data["documents"][0]
    assert doc["url"].endswith(f"{url(ektp)}documents/{doc['id']}/")
    file = budi_client.get(doc["url"])
    assert file.status_code == 200 and file["Content-Type"] == doc["content_type"]
    assert (
        AuditEntry.objects.filter(
            action="personal_data.read", actor=budi, details__what=f"file:{doc['requirement']}"
        ).count()
        == 1
    )
    assert_error(budi_client.get(f"{url(ektp)}documents/999999/"), 404, "not_found")


def test_review_touches_only_the_holders_claim(budi_client, citra_client, budi, ektp):
    services.claim_application(ektp, actor=budi)
    Claim.objects.update(last_seen_at=timezone.now() - dt.timedelta(minutes=20))
    data = citra_client.get(url(ektp)).json()
    assert data["may_decide"] is False and data["claimed_by"] == "Budi"
    assert Claim.objects.get().last_seen_at < timezone.now() - dt.timedelta(minutes=10)
    budi_client.get(url(ektp))
    assert Claim.objects.get().last_seen_at > timezone.now() - dt.timedelta(minutes=1)


def test_drafts_and_unknown_references_are_404(budi_client, family, agus):
    from paksemmok.applications import services as app_services
    from paksemmok.catalog.models import Variant

    draft = app_services.create_draft(
        applicant=agus, subject=family.agus, variant=Variant.objects.get(code="ektp-cetak")
    )
    assert_error(budi_client.get(url(draft)), 404, "not_found")
    assert_error(budi_client.get("/api/v1/staff/applications/PS-0000-AAAAAA/"), 404, "not_found")
    assert_error(budi_client.get("/api/v1/staff/applications/bukan-nomor/"), 404, "not_found")


# --- decisions -------------------------------------------------------------------------------


def test_approve_birth_changes_the_register_as_the_page_does(
    budi_client, budi, family, agus, birth
):
    before = family.kk.current_version
    budi_client.post(url(birth, "claim"))
    response = budi_client.post(url(birth, "decide"), {"decision": "approve"}, format="json")
    assert response.status_code == 200, response.content
    result = response.json()
    birth.refresh_from_db()
    # Printed documents only, so the service completes it at once (a card would wait).
    assert result["status"] == birth.status == Status.COMPLETED
    assert birth.decided_at is not None
    assert sorted(d["kind"] for d in result["issued_documents"]) == ["akta_kelahiran", "kk"]
    child = Resident.objects.get(full_name="Putri Santoso")
    assert child.family == family.kk and child.relationship == Relationship.CHILD
    family.kk.refresh_from_db()
    assert family.kk.current_version == before + 1
    docs = IssuedDocument.objects.filter(application=birth)
    assert {d["code"] for d in result["issued_documents"]} == {d.code for d in docs}
    assert all(d.pdf for d in docs)
    assert all(d["has_pdf"] for d in result["issued_documents"])
    assert not Claim.objects.exists()
    assert birth.events.get(action="approved").actor == budi
    assert any(
        "disetujui" in m
        for m in Message.objects.filter(user=agus).values_list("subject", flat=True)
    )


def test_return_with_deficiencies(budi_client, budi, ektp):
    services.claim_application(ektp, actor=budi)
    code = ektp.current_documents().first().requirement.code
    items = [
        {"item": f"doc:{code}", "reason": "unreadable", "note": " Buram "},
        {"item": "field:pickup_place", "reason": "data_incorrect"},
    ]
    response = budi_client.post(
        url(ektp, "decide"), {"decision": "return", "deficiencies": items}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.RETURNED
    assert response.json()["issued_documents"] == []
    ektp.refresh_from_db()
    assert ektp.status == Status.RETURNED and ektp.returned_at is not None
    assert ektp.deficiencies == [
        {"item": f"doc:{code}", "reason": "unreadable", "note": "Buram"},
        {"item": "field:pickup_place", "reason": "data_incorrect", "note": ""},
    ]
    assert not Claim.objects.exists()
    assert ektp.events.get(action="returned").actor == budi


def test_reject(budi_client, budi, ektp):
    services.claim_application(ektp, actor=budi)
    response = budi_client.post(
        url(ektp, "decide"),
        {
            "decision": "reject",
            "deficiencies": [
                {"item": "application", "reason": "data_incorrect", "note": "Tidak memenuhi"}
            ],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    ektp.refresh_from_db()
    assert ektp.status == Status.REJECTED and ektp.decided_at is not None
    assert ektp.deficiencies[0]["note"] == "Tidak memenuhi"
    assert not IssuedDocument.objects.filter(application=ektp).exists()


@pytest.mark.parametrize(
    ("payload", "status", "code", "words"),
    [
        ({"decision": "return"}, 422, "decision_refused", "paling sedikit satu kekurangan"),
        ({"decision": "return", "deficiencies": []}, 422, "decision_refused", "paling sedikit"),
        (
            {"decision": "reject", "deficiencies": [{"item": "application", "reason": "bosan"}]},
            422,
            "decision_refused",
            "tidak dikenal",
        ),
        (
            {
                "decision": "return",
                "deficiencies": [{"item": "doc:paspor", "reason": "unreadable"}],
            },
            422,
            "decision_refused",
            "tidak ada pada permohonan ini",
        ),
        ({"decision": "setuju"}, 400, "invalid", ""),
        ({"decision": "return", "deficiencies": [{"item": "application"}]}, 400, "invalid", ""),
        (
            {"decision": "approve", "deficiencies": [{"item": "application", "reason": "x"}]},
            400,
            "invalid",
            "",
        ),
    ],
)
def test_invalid_decisions_change_nothing(budi_client, budi, ektp, payload, status, code, words):
    services.claim_application(ektp, actor=budi)
    body = assert_error(budi_client.post(url(ektp, "decide"), payload, format="json"), status, code)
    assert words in body["message"]
    ektp.refresh_from_db()
    assert ektp.status == Status.IN_REVIEW and ektp.claim.officer == budi
    assert not ektp.events.filter(action__in=["approved", "returned", "rejected"]).exists()


def test_deciding_needs_the_claim(budi_client, citra_client, budi, ektp):
    body = assert_error(
        budi_client.post(url(ektp, "decide"), {"decision": "approve"}, format="json"),
        409,
        "claim_required",
    )
    assert "Ambil permohonan ini dulu" in body["message"]
    services.claim_application(ektp, actor=budi)
    body = assert_error(
        citra_client.post(url(ektp, "decide"), {"decision": "approve"}, format="json"),
        409,
        "claimed_by_other",
    )
    assert "Budi" in body["message"]
    ektp.refresh_from_db()
    assert ektp.status == Status.IN_REVIEW


def test_deciding_twice_is_a_conflict(budi_client, budi, ektp):
    services.claim_application(ektp, actor=budi)
    payload = {
        "decision": "reject",
        "deficiencies": [{"item": "application", "reason": "data_incorrect"}],
    }
    assert budi_client.post(url(ektp, "decide"), payload, format="json").status_code == 200
    assert_error(budi_client.post(url(ektp, "decide"), payload, format="json"), 409, "not_pending")
    assert_error(budi_client.post(url(ektp, "claim")), 409, "not_pending")


def test_messages_follow_the_request_language(budi_client, budi, ektp):
    body = assert_error(
        budi_client.post(
            url(ektp, "decide"), {"decision": "approve"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
        ),
        409,
        "claim_required",
    )
    assert "Ambil" not in body["message"]


# --- who may use it --------------------------------------------------------------------------


def staff_requests(app) -> list[tuple[str, str, dict | None]]:
    doc = app.current_documents().first()
    return [
        ("get", QUEUE, None),
        ("post", TAKE_NEXT, None),
        ("get", url(app), None),
        ("post", url(app, "claim"), None),
        ("post", url(app, "release"), {}),
        ("post", url(app, "decide"), {"decision": "approve"}),
        ("get", f"{url(app)}documents/{doc.pk}/", None),
    ]


def assert_untouched(app) -> None:
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED
    assert not Claim.objects.exists()
    assert not AuditEntry.objects.filter(action="personal_data.read").exists()


def test_anonymous_gets_json_401_everywhere(api, ektp):
    for method, path, data in staff_requests(ektp):
        assert_error(getattr(api, method)(path, data, format="json"), 401, "not_authenticated")
    assert_untouched(ektp)


def test_residents_helpers_and_perekaman_get_json_403_everywhere(a_client, agus, ektp, kudus):
    helper = staff("sari", User.Role.HELPER)
    perekaman = staff("pak-rekam", User.Role.PEREKAMAN)
    clients = [a_client, session_client(agus), session_client(helper), session_client(perekaman)]
    for client in clients:
        for method, path, data in staff_requests(ektp):
            body = assert_error(
                getattr(client, method)(path, data, format="json"), 403, "permission_denied"
            )
            assert ektp.reference not in str(body)
    assert_untouched(ektp)


def test_staff_tokens_are_refused(budi, ektp):
    client = token_client(budi)  # made directly: /auth/token/ refuses staff
    for method, path, data in staff_requests(ektp):
        assert_error(getattr(client, method)(path, data, format="json"), 403, "session_required")
    assert_untouched(ektp)


def test_supervisor_without_totp_is_sent_to_verify(dewi, ektp):
    client = session_client(dewi)
    for method, path, data in staff_requests(ektp):
        body = assert_error(
            getattr(client, method)(path, data, format="json"), 403, "totp_required"
        )
        assert "TOTP" in body["message"]
    assert_untouched(ektp)


def test_operator_with_admin_access_needs_totp_too(ektp):
    officer = staff("eka", services=["ektp"])
    officer.is_staff = True
    officer.save()
    assert_error(session_client(officer).get(QUEUE), 403, "totp_required")
    assert session_client(officer, totp=True).get(QUEUE).status_code == 200


def test_session_writes_need_csrf(budi, ektp):
    client = session_client(budi, csrf=True)
    assert client.get(QUEUE).status_code == 200
    assert_error(client.post(url(ektp, "claim")), 403, "permission_denied")
    assert not Claim.objects.exists()


def test_staff_calls_are_throttled_per_user(budi_client, ektp, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "user": "3/minute",
        },
    }
    for _ in range(3):
        assert budi_client.get(QUEUE).status_code == 200
    response = budi_client.get(QUEUE)
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


def test_no_token_is_left_for_staff(budi):
    assert not ApiToken.objects.filter(user=budi).exists()
