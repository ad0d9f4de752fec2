"""The staff dashboard and its exports: who may open them, what they show, what they write."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from paksemmok.accounts.models import User
from paksemmok.audit.models import AuditEntry
from paksemmok.reports import figures
from paksemmok.reports.tables import TABLES
from tests.cast import sign_in_with_totp, staff

from .conftest import END, START, World, build_perekaman, build_world

pytestmark = pytest.mark.django_db
URL = "/staf/dasbor/"
RANGE = {"start": START.isoformat(), "end": END.isoformat()}


@pytest.fixture
def dewi(db) -> User:
    return staff("dewi", User.Role.SUPERVISOR)


@pytest.fixture
def supervisor_client(client, dewi):
    sign_in_with_totp(client, dewi)
    return client


# --- who may open it -----------------------------------------------------------------------


def test_anonymous_goes_to_sign_in(client):
    for url in (URL, "/staf/dasbor/unduh/ringkasan.csv"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/akun/masuk/")


@pytest.mark.parametrize(
    "role", [User.Role.RESIDENT, User.Role.HELPER, User.Role.OPERATOR, User.Role.PEREKAMAN]
)
def test_other_roles_are_refused(client, kudus, role):
    # Operators too: the dashboard names officers and covers every service (views.py).
    client.force_login(staff(f"u-{role}", role))
    assert client.get(URL).status_code == 403
    assert client.get("/staf/dasbor/unduh/petugas.csv").status_code == 403


def test_supervisor_needs_totp_first(client, dewi):
    client.force_login(dewi)
    response = client.get(URL)
    assert response.status_code == 302 and "/akun/" in response["Location"]


@pytest.mark.parametrize("role", [User.Role.SUPERVISOR, User.Role.ADMIN])
def test_supervisors_and_admins_see_it(client, kudus, role):
    sign_in_with_totp(client, staff(f"u-{role}", role))
    response = client.get(URL)
    assert response.status_code == 200
    # Default: the last 30 days up to today.
    period = response.context["period"]
    assert (period.days, period.end) == (30, timezone.localdate())


# --- what it shows -------------------------------------------------------------------------


def test_page_shows_the_hand_counted_figures(supervisor_client, world):
    response = supervisor_client.get(URL, RANGE)
    assert response.status_code == 200
    html = response.content.decode()
    cards = response.context["cards"]
    assert cards["applications"] == "6" and cards["decisions"] == "10"
    assert cards["within_share"] == "80,0%" and cards["returned_share"] == "30,0%"
    assert cards["median"] == "3 jam 30 menit"
    assert cards["p90"] == "27 jam 18 menit"  # 98280 s
    assert cards["per_day"] == "1,2"
    for text in (
        'data-testid="sum-within">80,0%',
        "27 jam 18 menit",
        "Berkas tidak terbaca",
        'data-testid="chart-permohonan-harian"',
        'role="img"',
    ):
        assert text in html
    per_day = response.context["sections"]["permohonan_harian"]
    assert [row[1][0] for row in per_day["rows"]] == ["3", "0", "2", "1", "0"]
    assert per_day["chart"]["datasets"][0]["data"] == [3, 0, 2, 1, 0]
    assert "rata-rata 1,2 per hari" in per_day["summary"]
    # The chart data is a json_script block, not an inline script.
    assert '<script id="chart-permohonan-harian" type="application/json">' in html
    officers = response.context["sections"]["petugas"]["rows"]
    assert [(r[1][0], r[2][0]) for r in officers] == [("budi", "6"), ("citra", "4")]
    assert "/staf/dasbor/unduh/desa.xlsx?start=2026-12-01&amp;end=2026-12-05" in html


def test_filters_narrow_the_page(supervisor_client, world):
    response = supervisor_client.get(URL, {**RANGE, "service": "ektp", "kecamatan": world.k1.code})
    assert response.context["cards"]["applications"] == "2"  # A1, A2
    assert response.context["filters"].service == world.ektp
    assert "service=ektp" in response.context["query"]


def test_presets(supervisor_client, world):
    response = supervisor_client.get(URL, {"preset": "7", **RANGE})
    period = response.context["period"]
    assert period.days == 7 and response.context["active_preset"] == 7


@pytest.mark.parametrize(
    "params, message",
    [
        ({"start": "2026-12-05", "end": "2026-12-01"}, "Tanggal akhir tidak boleh sebelum"),
        (
            {"start": "2020-01-01", "end": "2026-12-01"},
            f"Rentang tanggal paling panjang {figures.MAX_DAYS} hari",
        ),
        ({"start": "kemarin"}, "Masukkan tanggal yang valid"),
    ],
)
def test_bad_ranges_are_explained(supervisor_client, kudus, params, message):
    response = supervisor_client.get(URL, params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "sections" not in response.context
    export = supervisor_client.get("/staf/dasbor/unduh/ringkasan.csv", params)
    assert export.status_code == 400
    # The refusal is the dashboard's form with the same Indonesian message, not bare text.
    assert message in export.content.decode() and "<form" in export.content.decode()


def test_query_count_does_not_grow_with_the_data(supervisor_client, kudus):
    w = World()
    build_world(w)
    build_perekaman(w)
    with CaptureQueriesContext(connection) as small:
        assert supervisor_client.get(URL, RANGE).status_code == 200
    # Twice the facts (same officers, services and places): the same number of queries.
    for n, app in enumerate(list(w.apps.values())):
        app.pk = None
        # A reference of its own: references are random, so cutting one short and padding it
        # could equal another's.
        app.reference = f"PS-COPY-{n:06d}"
        app.subject_key += "-2"
        app.save()
    from paksemmok.applications.models import Decision

    top = Decision.objects.order_by("-round").first().round
    for i, d in enumerate(list(Decision.objects.all())):
        d.pk, d.round = None, top + 1 + i
        d.save()
    with CaptureQueriesContext(connection) as big:
        supervisor_client.get(URL, RANGE)
    assert len(big) == len(small)
    assert len(small) <= 80


# --- exports -------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    body = response.content
    assert body.startswith("\ufeff".encode())  # Excel needs the BOM to read UTF-8
    # Excel set to Indonesian: semicolons between fields, decimal commas.
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_csv_export_matches_the_figures(supervisor_client, world):
    response = supervisor_client.get("/staf/dasbor/unduh/ringkasan.csv", RANGE)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert (
        'filename="pak-semmok-ringkasan-20261201-20261205.csv"' in response["Content-Disposition"]
    )
    rows = read_csv(response)
    assert rows[0] == [
        "Layanan",
        "Permohonan",
        "Keputusan",
        "Disetujui",
        "Dikembalikan",
        "Ditolak",
        "Dalam batas waktu",
        "Dalam batas waktu (%)",
        "Dikembalikan (%)",
        "Median waktu keputusan (jam)",
        "Persentil 90 waktu keputusan (jam)",
    ]
    # The "all services" row: numbers plain (decimal commas), hours to 2 decimals.
    assert rows[-1] == [
        "Semua layanan",
        "6",
        "10",
        "6",
        "3",
        "1",
        "8",
        "80,0",
        "30,0",
        "3,5",
        "27,3",
    ]
    per_day = read_csv(supervisor_client.get("/staf/dasbor/unduh/permohonan-harian.csv", RANGE))
    assert per_day == [
        ["Tanggal", "Permohonan"],
        ["2026-12-01", "3"],
        ["2026-12-02", "0"],
        ["2026-12-03", "2"],
        ["2026-12-04", "1"],
        ["2026-12-05", "0"],
    ]


def test_xlsx_export_matches_the_figures(supervisor_client, world):
    response = supervisor_client.get("/staf/dasbor/unduh/keputusan-harian.xlsx", RANGE)
    assert response.status_code == 200
    assert "pak-semmok-keputusan-harian-20261201-20261205.xlsx" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.active
    assert ws.title == "Keputusan per hari"
    header = [c.value for c in ws[1]]
    assert header == [
        "Tanggal",
        "Disetujui",
        "Dikembalikan",
        "Ditolak",
        "Jumlah keputusan",
        "Dalam batas waktu",
        "Dalam batas waktu (%)",
    ]
    assert all(c.font.bold for c in ws[1])
    first = [c.value for c in ws[2]]
    assert first == [dt.datetime(2026, 12, 1), 1, 1, 0, 2, 2, 1.0]
    assert ws["A2"].is_date and ws["G2"].number_format == "0.0%"
    last = [c.value for c in ws[6]]
    assert last == [dt.datetime(2026, 12, 5), 1, 1, 0, 2, 0, 0.0]
    assert ws.column_dimensions["A"].width >= 10
    expected = figures.decisions_per_day(figures.Period(START, END))
    assert [ws.cell(row=i + 2, column=5).value for i in range(5)] == [d.total for d in expected]


def test_every_table_exports_in_both_formats(supervisor_client, world):
    build_perekaman(world)
    for slug, table in TABLES.items():
        for fmt in ("csv", "xlsx"):
            response = supervisor_client.get(f"/staf/dasbor/unduh/{slug}.{fmt}", RANGE)
            assert response.status_code == 200, (slug, fmt)
            if fmt == "csv":
                assert read_csv(response)[0] == [str(c.header) for c in table.columns]
            else:
                ws = load_workbook(io.BytesIO(response.content)).active
                assert [c.value for c in ws[1]] == [str(c.header) for c in table.columns]
    assert supervisor_client.get("/staf/dasbor/unduh/tidak-ada.csv", RANGE).status_code == 404
    assert supervisor_client.get("/staf/dasbor/unduh/ringkasan.pdf", RANGE).status_code == 404


def test_formula_injection_is_neutralised(supervisor_client, world):
    world.citra.first_name = '=HYPERLINK("http://x";"klik")'
    world.citra.save()
    world.budi.first_name = "@SUM(A1)"
    world.budi.save()
    rows = read_csv(supervisor_client.get("/staf/dasbor/unduh/petugas.csv", RANGE))
    names = [r[0] for r in rows[1:]]
    assert names == ["'@SUM(A1)", '\'=HYPERLINK("http://x";"klik")']
    ws = load_workbook(
        io.BytesIO(supervisor_client.get("/staf/dasbor/unduh/petugas.xlsx", RANGE).content)
    ).active
    assert ws["A2"].value == "'@SUM(A1)" and ws["A2"].data_type == "s"
    assert ws["A3"].value.startswith("'=") and ws["A3"].data_type == "s"


def test_exports_are_audited(supervisor_client, world, dewi):
    supervisor_client.get("/staf/dasbor/unduh/petugas.xlsx", {**RANGE, "service": "kk"})
    entry = AuditEntry.objects.get(action="reports.export.downloaded")
    assert entry.actor == dewi
    assert entry.details == {
        "table": "petugas",
        "format": "xlsx",
        "start": "2026-12-01",
        "end": "2026-12-05",
        "service": "kk",
        "kecamatan": None,
        "rows": 2,
        "personal": True,
    }
    # Looking at the page does not take data out of the system: not audited.
    supervisor_client.get(URL, RANGE)
    assert AuditEntry.objects.filter(action="reports.export.downloaded").count() == 1


# --- IKM -----------------------------------------------------------------------------------


def test_ikm_section_and_exports(supervisor_client, world):
    from paksemmok.survey.models import SurveyResponse

    from .conftest import wib

    def answer(service, value, day=2):
        variant = world.ektp_variant if service == world.ektp else world.kk_variant
        SurveyResponse.objects.create(
            service=service,
            variant=variant,
            answered_at=wib(day, 9),
            **{f"u{i}": value for i in range(1, 10)},
        )

    # e-KTP: all 4 and all 3 -> NRR 3.5 each, 3.5 x 25 = 87.50, B (Baik).
    # KK: all 4 -> 100.00, A. Overall: (4 + 3 + 4) / 3 = 3.667 x 25 = 91.67, A (Sangat Baik).
    answer(world.ektp, 4)
    answer(world.ektp, 3)
    answer(world.kk, 4)
    answer(world.kk, 1, day=6)  # outside the range
    html = supervisor_client.get(URL, RANGE).content.decode()
    assert "Nilai IKM 91,67, mutu A (Sangat Baik), dari 3 responden." in html
    rows = read_csv(supervisor_client.get("/staf/dasbor/unduh/ikm-layanan.csv", RANGE))
    assert rows[0] == ["Layanan", "Responden", "Nilai IKM", "Mutu", "Kinerja"]
    assert ["Kartu Keluarga (KK)", "1", "100,0", "A", "Sangat Baik"] in rows
    assert ["e-KTP (KTP elektronik)", "2", "87,5", "B", "Baik"] in rows
    assert rows[-1] == ["Semua layanan", "3", "91,67", "A", "Sangat Baik"]
    elements = read_csv(supervisor_client.get("/staf/dasbor/unduh/ikm-unsur.csv", RANGE))
    assert elements[1] == ["U1", "Persyaratan", "3,67"] and len(elements) == 10
    ws = load_workbook(
        io.BytesIO(supervisor_client.get("/staf/dasbor/unduh/ikm-bulanan.xlsx", RANGE).content)
    ).active
    assert [c.value for c in ws[2]] == [dt.datetime(2026, 12, 1), 3, 91.67, "A", "Sangat Baik"]
    # With a service filter the headline is that service's.
    filtered = supervisor_client.get(URL, {**RANGE, "service": "ektp"}).content.decode()
    assert "Nilai IKM 87,50, mutu B (Baik), dari 2 responden." in filtered


def test_page_in_english(supervisor_client, world):
    from django.conf import settings

    supervisor_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = supervisor_client.get(URL, RANGE).content.decode()
    assert "Service dashboard" in html and "Applications per day" in html
    assert "80.0%" in html


def test_csv_is_for_excel_set_to_indonesian():
    """Issue 15: semicolons between fields and decimal commas (the Indonesian list separator
    and decimal mark), no `sep=` line (Excel would then ignore the byte-order mark)."""
    from paksemmok.reports.exports import to_csv
    from paksemmok.reports.tables import NUMBER, TEXT, Column, Table

    table = Table("t", "T", (Column("Nama", TEXT), Column("Nilai", NUMBER)), lambda p, f: [])
    body = to_csv(table, [("Kota; Kudus", 91.666), ("Jati", 3.5)]).decode("utf-8")
    assert body.startswith("\ufeffNama;Nilai\r\n")
    assert '"Kota; Kudus";91,67\r\n' in body and "Jati;3,5\r\n" in body
    assert "sep=" not in body
