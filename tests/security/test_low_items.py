"""Regression tests for the review's Low findings."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings

from paksemmok.reports.exports import to_xlsx
from paksemmok.reports.figures import Period
from paksemmok.reports.figures_extra import INT, TEXT, Column, Table


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
