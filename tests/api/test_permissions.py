"""Resident A cannot reach resident B's application, document or booking through any endpoint
(404, as for a reference that does not exist; 403 on the staff endpoints, which no resident
may use at all); anonymous clients get JSON 401 everywhere but the public catalogue, places
and availability."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, get_resolver

from paksemmok.accounts.models import User
from paksemmok.applications import services
from paksemmok.applications.models import Application, ApplicationDocument
from paksemmok.appointments.models import Booking
from paksemmok.catalog.models import Variant
from tests.cast import at, fill_required, photo_bytes

from .conftest import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def b_data(eko, office):
    app = services.create_draft(
        applicant=eko, variant=Variant.objects.get(code="ektp-cetak"), subject=eko.resident
    )
    fill_required(app, eko, {"pickup_place": "dinas"})
    doc = ApplicationDocument.objects.get(application=app)
    booking = Booking.objects.create(
        resident=eko.resident, place=office, start=at("2030-01-02", "08:15"), booked_by=eko
    )
    return app, doc, booking


def b_requests(app, doc, booking):
    ref, code = app.reference, booking.code
    upload = {"requirement": "kk", "file": SimpleUploadedFile("kk.jpg", photo_bytes())}
    slot = {"place": booking.place_id, "start": "2030-01-03T08:15:00+07:00"}
    return [
        ("get", f"/api/v1/applications/{ref}/", None, "json"),
        ("patch", f"/api/v1/applications/{ref}/", {"data": {"pickup_place": "kecamatan"}}, "json"),
        ("get", f"/api/v1/applications/{ref}/status/", None, "json"),
        ("get", f"/api/v1/applications/{ref}/deficiencies/", None, "json"),
        ("post", f"/api/v1/applications/{ref}/documents/", upload, "multipart"),
        ("get", f"/api/v1/applications/{ref}/documents/{doc.pk}/", None, "json"),
        ("post", f"/api/v1/applications/{ref}/submit/", None, "json"),
        ("post", f"/api/v1/applications/{ref}/resubmit/", None, "json"),
        ("post", f"/api/v1/applications/{ref}/cancel/", {"reason": "x"}, "json"),
        ("get", f"/api/v1/appointments/{code}/", None, "json"),
        ("post", f"/api/v1/appointments/{code}/reschedule/", slot, "json"),
        ("post", f"/api/v1/appointments/{code}/cancel/", {"reason": "x"}, "json"),
    ]


def test_every_route_is_in_the_matrix():
    """A new endpoint must be added here (or to the public list) before this passes."""
    resolver = get_resolver().url_patterns
    api = next(p for p in resolver if str(getattr(p, "pattern", "")) == "api/v1/")
    names = {p.name for p in api.url_patterns if isinstance(p, URLPattern) and p.name}
    public = {
        "root",
        "schema",
        "docs",
        "token",
        "services",
        "service",
        "variant",
        "places",
        "availability",
        "verify",
    }
    # "tokens"/"token-detail": one's own tokens only (test_token_lifecycle.py).
    own_lists = {"me", "family", "applications", "appointments", "documents", "tokens"}
    own_lists |= {"token-detail"}
    by_reference = {
        "application",
        "application-status",
        "application-deficiencies",
        "application-documents",
        "application-document",
        "application-submit",
        "application-resubmit",
        "application-cancel",
        "appointment",
        "appointment-reschedule",
        "appointment-cancel",
        "document-file",
    }
    staff = {
        "staff-queue",
        "staff-take-next",
        "staff-application",
        "staff-claim",
        "staff-release",
        "staff-decide",
        "staff-document",
    }
    assert names == public | own_lists | by_reference | staff


def staff_requests(app, doc):
    ref = app.reference
    return [
        ("get", "/api/v1/staff/queue/", None),
        ("post", "/api/v1/staff/queue/take-next/", None),
        ("get", f"/api/v1/staff/applications/{ref}/", None),
        ("post", f"/api/v1/staff/applications/{ref}/claim/", None),
        ("post", f"/api/v1/staff/applications/{ref}/release/", {}),
        (
            "post",
            f"/api/v1/staff/applications/{ref}/decide/",
            {"decision": "reject", "deficiencies": []},
        ),
        ("get", f"/api/v1/staff/applications/{ref}/documents/{doc.pk}/", None),
    ]


def test_resident_a_cannot_reach_resident_b_through_staff_endpoints(a_client, agus, eko, b_data):
    """Even once B's application is sent and in the back-office queue, A's token and A's
    session get 403 on every staff endpoint, and nothing of B's is read or changed."""
    from paksemmok.audit.models import AuditEntry
    from paksemmok.backoffice.models import Claim

    app, doc, _booking = b_data
    services.submit_application(app, actor=eko)
    session = Client()
    session.force_login(agus)
    for client in (a_client, session):
        for method, url, data in staff_requests(app, doc):
            response = (
                getattr(client, method)(url, data, content_type="application/json")
                if client is session
                else getattr(client, method)(url, data, format="json")
            )
            body = assert_error(response, 403, "permission_denied")
            assert app.reference not in str(body), url
    app.refresh_from_db()
    assert app.status == "submitted"
    assert not Claim.objects.exists()
    assert not AuditEntry.objects.filter(action="personal_data.read").exists()


def test_operators_reach_only_applications_of_their_services(b_data, eko):
    """The staff side of the matrix: an operator for another service gets 404 for B's
    application on every staff endpoint, as for a reference that does not exist."""
    from tests.cast import staff

    from .conftest import session_client

    app, doc, _booking = b_data
    services.submit_application(app, actor=eko)
    other = session_client(staff("kiki", services=["akta_lahir"]))
    assert other.get("/api/v1/staff/queue/").json()["count"] == 0
    for method, url, data in staff_requests(app, doc)[2:]:
        assert_error(getattr(other, method)(url, data, format="json"), 404, "not_found")
    assert other.post("/api/v1/staff/queue/take-next/").json() == {"application": None}


def test_resident_a_cannot_reach_resident_b(a_client, b_data):
    app, doc, booking = b_data
    before = (app.status, dict(app.data), booking.start, booking.status)
    for method, url, data, fmt in b_requests(app, doc, booking):
        response = getattr(a_client, method)(url, data, format=fmt)
        body = assert_error(response, 404, "not_found")
        assert app.reference not in str(body) and booking.code not in str(body), url
    app.refresh_from_db()
    booking.refresh_from_db()
    assert (app.status, app.data, booking.start, booking.status) == before
    assert ApplicationDocument.objects.filter(application=app).count() == 1


def test_lists_show_only_own_data(a_client, b_data):
    app, _doc, _booking = b_data
    assert a_client.get("/api/v1/applications/").json() == []
    assert a_client.get("/api/v1/appointments/").json() == []
    assert app.applicant.username not in str(a_client.get("/api/v1/me/family/").json())


def test_resident_b_reaches_own_data(b_client, b_data):
    app, doc, booking = b_data
    response = b_client.get(f"/api/v1/applications/{app.reference}/")
    assert response.status_code == 200
    assert response.json()["reference"] == app.reference
    response = b_client.get(f"/api/v1/applications/{app.reference}/documents/{doc.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == doc.file.open("rb").read()
    response = b_client.get(f"/api/v1/appointments/{booking.code}/")
    assert response.status_code == 200
    assert response.json()["code"] == booking.code


def test_document_of_b_through_a_own_reference_is_404(a_client, family, b_data):
    _app, doc, _booking = b_data
    own = a_client.post(
        "/api/v1/applications/", {"variant": "ektp-cetak", "subject": family.agus.pk}, format="json"
    ).json()["reference"]
    assert_error(a_client.get(f"/api/v1/applications/{own}/documents/{doc.pk}/"), 404, "not_found")


def test_anonymous_gets_json_401_on_every_resident_endpoint(api, b_data):
    app, doc, booking = b_data
    requests = [
        *b_requests(app, doc, booking),
        ("get", "/api/v1/me/", None, "json"),
        ("get", "/api/v1/me/family/", None, "json"),
        ("get", "/api/v1/applications/", None, "json"),
        ("post", "/api/v1/applications/", {"variant": "ektp-cetak"}, "json"),
        ("get", "/api/v1/appointments/", None, "json"),
        ("post", "/api/v1/appointments/", {}, "json"),
    ]
    for method, url, data, fmt in requests:
        assert_error(getattr(api, method)(url, data, format=fmt), 401, "not_authenticated")
    assert Application.objects.count() == 1


def test_staff_and_helpers_sessions_get_json_403(b_data):
    app, _doc, _booking = b_data
    for role in (User.Role.OPERATOR, User.Role.HELPER, User.Role.SUPERVISOR):
        user = User.objects.create_user(username=f"u-{role}", password="x-Pass-12345", role=role)
        client = Client()
        client.force_login(user)
        # A supervisor's password-only session stops at the second-factor gate first.
        code = "totp_required" if role == User.Role.SUPERVISOR else "permission_denied"
        assert_error(client.get(f"/api/v1/applications/{app.reference}/"), 403, code)
        assert_error(client.get("/api/v1/me/"), 403, code)


def test_session_writes_need_csrf(agus, family):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agus)
    response = client.post(
        "/api/v1/applications/",
        {"variant": "ektp-cetak", "subject": family.agus.pk},
        content_type="application/json",
    )
    assert_error(response, 403, "permission_denied")
    assert not Application.objects.exists()
