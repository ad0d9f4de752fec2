"""Regression tests for the review's Low findings."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings

from paksemmok.reports.exports import to_xlsx
from paksemmok.reports.figures import Period
from paksemmok.reports.tables import INT, TEXT, Column, Table


def test_xlsx_export_survives_control_characters():
    from openpyxl import load_workbook

    table = Table(
        slug="t",
        title="Layanan\x01",
        columns=(Column("Nama\x02", TEXT), Column("Jumlah", INT)),
        rows=lambda period, filters: [],
    )
    data = to_xlsx(
        table, [("Kartu\x0bKeluarga\x1f", 3)], Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    )
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A1"].value == "Nama"
    assert sheet["A2"].value == "KartuKeluarga"


def test_minimum_password_length_is_twelve():
    from django.contrib.auth.password_validation import get_password_validators

    lengths = [
        v.min_length
        for v in get_password_validators(settings.AUTH_PASSWORD_VALIDATORS)
        if hasattr(v, "min_length")
    ]
    assert lengths == [12]


@pytest.mark.skipif("sqlite" not in settings.DATABASES["default"]["ENGINE"], reason="SQLite only")
def test_sqlite_database_file_is_private(db):
    import os
    import stat

    from django.db import connection

    connection.ensure_connection()
    mode = stat.S_IMODE(os.stat(connection.settings_dict["NAME"]).st_mode)
    assert mode & 0o077 == 0, oct(mode)


RESET_CONFIRM = "/akun/lupa-sandi/atur/"
NEW = {"password1": "Sandi-Baru-Kudus-2026", "password2": "Sandi-Baru-Kudus-2026"}


def _start_reset(client, nik):
    client.post("/akun/lupa-sandi/", {"username": nik})


def _error_text(response) -> str:
    import re

    html = response.content.decode()
    return " ".join(re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)<', html, flags=re.S))


def test_reset_confirm_answers_alike_for_unknown_and_known_accounts(client, resident_user):
    from django.test import Client

    _start_reset(client, resident_user.username)
    known = client.post(RESET_CONFIRM, {"code": "000000", **NEW})
    stranger = Client()
    _start_reset(stranger, "3319020101010009")  # no such account
    unknown = stranger.post(RESET_CONFIRM, {"code": "000000", **NEW})
    assert known.status_code == unknown.status_code == 200
    assert _error_text(known) == _error_text(unknown)
    assert "Kode tidak cocok" in known.content.decode()
    assert "Kode tidak cocok" in unknown.content.decode()


def test_a_stranger_cannot_burn_the_owners_live_reset_code(client, resident_user, settings):
    from django.test import Client

    from tests.cast import latest_code

    settings.ACCOUNTS_CODE_MAX_ATTEMPTS = 3
    nik = resident_user.username
    stranger = Client(REMOTE_ADDR="198.51.100.9")
    _start_reset(stranger, nik)
    code = latest_code(resident_user, "password_reset")
    wrong = "111111" if code != "111111" else "222222"
    for _ in range(3):
        stranger.post(RESET_CONFIRM, {"code": wrong, **NEW})
    # The stranger is out of tries, even with the right code...
    assert stranger.post(RESET_CONFIRM, {"code": code, **NEW}).status_code == 429
    # ...and the owner's code still works.
    owner = Client(REMOTE_ADDR="203.0.113.7")
    owner.session  # noqa: B018
    session = owner.session
    session["accounts_reset_username"] = nik
    session.save()
    response = owner.post(RESET_CONFIRM, {"code": code, **NEW})
    assert response.status_code == 302
    resident_user.refresh_from_db()
    assert resident_user.check_password(NEW["password1"])


def test_a_helper_downloads_issued_documents_only_while_acting(resident_user, helper_user):
    from types import SimpleNamespace

    from paksemmok.issuance.access import resident_may_download

    application = SimpleNamespace(applicant_id=resident_user.pk, filed_by_id=helper_user.pk)
    document = SimpleNamespace(application=application, subject_id=None, family_version_id=None)
    # Filed by the helper, but the grant has ended: no access.
    assert not resident_may_download(helper_user, document)
    assert not resident_may_download(helper_user, document, helper_user)
    # While acting for the applicant: judged as the applicant.
    assert resident_may_download(helper_user, document, resident_user)
    assert resident_may_download(resident_user, document)
