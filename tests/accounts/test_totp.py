"""Supervisors and admins must pass TOTP: enrolment on first sign-in, then a code each time."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client
from django_otp.middleware import OTPMiddleware
from django_otp.plugins.otp_totp.models import TOTPDevice

from paksemmok.accounts.permissions import role_required
from paksemmok.audit.models import AuditEntry
from paksemmok.demo.management.commands.demo_totp import current_code
from tests.cast import PASSWORD, confirmed_device, post_login, staff


@pytest.fixture
def supervisor(db):
    return staff("supervisor1", "supervisor", is_staff=True)


def test_first_sign_in_enrols_an_authenticator_then_opens_the_admin(client, supervisor):
    response = post_login(client, "supervisor1", PASSWORD, next="/staf/admin/")
    assert response["Location"] == "/akun/staf/verifikasi/?next=%2Fstaf%2Fadmin%2F"
    response = client.get(response["Location"])
    assert response["Location"] == "/akun/staf/autentikator/?next=%2Fstaf%2Fadmin%2F"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "<svg" in html  # the QR code, inline, no script
    assert "<script>" not in html.split("<body>")[1]
    device = TOTPDevice.objects.get(user=supervisor, confirmed=False)
    secret = "".join(
        re.search(r'<p class="totp-secret"><code>([^<]+)</code>', html).group(1).split()
    )
    import base64

    assert base64.b32decode(secret) == device.bin_key
    # Until enrolled, the admin stays closed.
    assert client.get("/staf/admin/").status_code == 302

    response = client.post(
        "/akun/staf/autentikator/?next=/staf/admin/",
        {"token": current_code(device), "next": "/staf/admin/"},
    )
    assert response["Location"] == "/staf/admin/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/staf/admin/").status_code == 200
    assert AuditEntry.objects.filter(action="account.totp.enrolled", actor=supervisor).exists()


def test_later_sign_ins_ask_for_the_code(supervisor, time_machine):
    import time

    time_machine.move_to(time.time(), tick=False)
    device = confirmed_device(supervisor)
    client = Client()
    response = post_login(client, "supervisor1", PASSWORD)
    assert response["Location"].startswith("/akun/staf/verifikasi/")
    assert client.get("/staf/admin/").status_code == 302

    wrong = f"{(int(current_code(device)) + 500_000) % 10**6:06d}"
    response = client.post("/akun/staf/verifikasi/", {"token": wrong})
    assert "Kode salah atau sudah kedaluwarsa" in response.content.decode()
    # Right after a failure django-otp makes the next try wait (1 s, doubling each time).
    response = client.post("/akun/staf/verifikasi/", {"token": current_code(device)})
    assert "Terlalu banyak kode salah" in response.content.decode()
    time_machine.shift(2)
    response = client.post(
        "/akun/staf/verifikasi/?next=/staf/admin/",
        {"token": current_code(device), "next": "/staf/admin/"},
    )
    assert response["Location"] == "/staf/admin/"
    assert client.get("/staf/admin/").status_code == 200


def test_a_used_totp_code_cannot_be_replayed(supervisor):
    device = confirmed_device(supervisor)
    code = current_code(device)
    first, second = Client(), Client()
    for c in (first, second):
        c.force_login(supervisor)
    assert first.post("/akun/staf/verifikasi/", {"token": code}).status_code == 302
    assert second.post("/akun/staf/verifikasi/", {"token": code}).status_code == 200


def test_operator_does_not_need_totp(client, operator):
    response = post_login(client, "operator1", PASSWORD)
    assert response["Location"] == "/staf/antrean/"  # straight to the work (issue 15)


def test_enrolment_page_is_closed_once_a_device_exists(client, supervisor):
    confirmed_device(supervisor)
    client.force_login(supervisor)
    response = client.get("/akun/staf/autentikator/")
    assert response["Location"].startswith("/akun/staf/verifikasi/")
    assert TOTPDevice.objects.filter(user=supervisor).count() == 1


@pytest.mark.parametrize("role", ["supervisor", "admin"])
def test_role_required_sends_unverified_supervisors_and_admins_to_totp(rf, db, role):
    user = staff(f"{role}9", role)

    @role_required(role)
    def view(request):
        return HttpResponse("ok")

    def through_otp_middleware(request):
        request.session = {}
        return OTPMiddleware(view)(request)

    request = rf.get("/staf/antrian/")
    request.user = user
    response = through_otp_middleware(request)
    assert response.status_code == 302
    assert response["Location"] == "/akun/staf/verifikasi/?next=%2Fstaf%2Fantrian%2F"

    device = confirmed_device(user)
    request = rf.get("/staf/antrian/")
    request.user = user
    request.session = {"otp_device_id": device.persistent_id}
    response = OTPMiddleware(view)(request)
    assert response.status_code == 200


def test_role_required_lets_operators_in_without_totp(rf, operator):
    @role_required("operator")
    def view(request):
        return HttpResponse("ok")

    request = rf.get("/")
    request.user = operator
    request.session = {}
    assert OTPMiddleware(view)(request).status_code == 200


def test_demo_accounts_and_demo_totp_command(db, person):
    from paksemmok.accounts.models import User
    from paksemmok.demo import accounts as demo

    for _name, step in demo.STEPS:
        step()
    rows = demo.logins()
    usernames = {row[1] for row in rows}
    assert {"admin", "operator", "supervisor", "perekaman", "pendamping", person.nik} <= usernames
    resident = User.objects.get(username=person.nik)
    assert resident.contact_verified and resident.resident == person
    helper = User.objects.get(username="pendamping")
    assert helper.village == person.village and helper.role == "helper"
    assert User.objects.get(username="operator").services

    out = io.StringIO()
    call_command("demo_totp", "admin", stdout=out, stderr=io.StringIO())
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    client = Client()
    response = post_login(client, "admin", demo.ADMIN_PASSWORD, next="/staf/admin/")
    response = client.post("/akun/staf/verifikasi/", {"token": code, "next": "/staf/admin/"})
    assert response["Location"] == "/staf/admin/"
    assert client.get("/staf/admin/").status_code == 200

    with pytest.raises(Exception, match="no demo TOTP device"):
        call_command("demo_totp", "operator", stdout=io.StringIO(), stderr=io.StringIO())
