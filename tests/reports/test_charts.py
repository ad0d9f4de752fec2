"""Every chart of the dashboard: the values it plots and the sentence that summarises it, over
the hand-counted world of conftest.py (with perekaman and three survey answers)."""

from __future__ import annotations

import pytest

from paksemmok.reports.tables import TABLES
from tests.cast import sign_in_with_totp, staff

from .conftest import build_perekaman, wib

pytestmark = pytest.mark.django_db
URL = "/staf/dasbor/"
RANGE = {"start": "2026-12-01", "end": "2026-12-05"}
SEE = " Angka lengkap ada di tabel."
DAYS = ["1 Des", "2 Des", "3 Des", "4 Des", "5 Des"]
BLUE, ORANGE, PURPLE, GREEN, SKY = "#0072B2", "#E69F00", "#CC79A7", "#009E73", "#56B4E9"


@pytest.fixture
def sections(client, world):
    from paksemmok.accounts.models import User
    from paksemmok.survey.models import SurveyResponse

    build_perekaman(world)
    for service, variant, value, day in (
        (world.ektp, world.ektp_variant, 4, 2),
        (world.ektp, world.ektp_variant, 3, 2),
        (world.kk, world.kk_variant, 4, 3),
    ):
        SurveyResponse.objects.create(
            service=service,
            variant=variant,
            answered_at=wib(day, 9),
            **{f"u{i}": value for i in range(1, 10)},
        )
    sign_in_with_totp(client, staff("dewi", User.Role.SUPERVISOR))
    response = client.get(URL, RANGE)
    assert response.status_code == 200
    return response.context["sections"]


def plotted(section):
    chart = section["chart"]
    return chart["labels"], [(d["label"], d["data"], d["color"]) for d in chart["datasets"]]


def test_every_chart_is_checked_here(sections):
    charted = {slug for slug, s in sections.items() if s["chart"]}
    assert charted == {
        "permohonan_harian",
        "jenis_layanan",
        "kecamatan",
        "desa",
        "keputusan_harian",
        "alasan",
        "petugas",
        "perekaman",
        "ikm_layanan",
        "ikm_bulanan",
    }
    # Tables without a chart have no summary sentence either.
    for slug in ("ringkasan", "ikm_unsur"):
        assert sections[slug]["chart"] is None and sections[slug]["summary"] == ""
    assert set(sections) == {slug.replace("-", "_") for slug in TABLES}


def test_applications_per_day(sections):
    s = sections["permohonan_harian"]
    assert plotted(s) == (DAYS, [("Permohonan", [3, 0, 2, 1, 0], BLUE)])
    assert (s["chart"]["type"], s["chart"]["horizontal"], s["chart"]["stacked"]) == (
        "bar",
        False,
        False,
    )
    assert s["summary"] == (
        "Permohonan per hari: 6 dalam 5 hari, rata-rata 1,2 per hari, tertinggi 1 Des (3)." + SEE
    )


def test_applications_per_variant(sections):
    s = sections["jenis_layanan"]
    labels, series = plotted(s)
    counts = dict(zip(labels, series[0][1], strict=True))
    assert counts["KK hilang atau rusak"] == 3
    assert counts["Cetak e-KTP pertama (sudah perekaman)"] == 3
    assert sum(counts.values()) == 6 and series[0][0] == "Permohonan"
    assert s["chart"]["horizontal"] is True
    assert s["summary"] == (
        "Permohonan per jenis layanan, tertinggi KK hilang atau rusak (3)." + SEE
    )


def test_applications_per_kecamatan(sections):
    s = sections["kecamatan"]
    assert plotted(s) == (["Kaliwungu", "Kota Kudus"], [("Permohonan", [2, 4], BLUE)])
    assert s["summary"] == "Permohonan per kecamatan, tertinggi Kota Kudus (4)." + SEE


def test_villages_only_those_with_applications_most_first(sections):
    s = sections["desa"]
    assert plotted(s) == (
        ["Purwosari (Kota Kudus)", "Bakalankrapyak (Kaliwungu)", "Sunggingan (Kota Kudus)"],
        [("Permohonan", [3, 2, 1], BLUE)],
    )
    assert s["chart"]["horizontal"] is True
    assert s["summary"] == (
        "3 desa/kelurahan dengan permohonan terbanyak, tertinggi Purwosari (Kota Kudus) (3)." + SEE
    )


def test_decisions_per_day(sections):
    s = sections["keputusan_harian"]
    assert plotted(s) == (
        DAYS,
        [
            ("Disetujui", [1, 2, 1, 1, 1], BLUE),
            ("Dikembalikan", [1, 0, 1, 0, 1], ORANGE),
            ("Ditolak", [0, 0, 0, 1, 0], PURPLE),
            ("Dalam batas waktu", [2, 2, 2, 2, 0], GREEN),
        ],
    )
    assert s["chart"]["datasets"][3]["type"] == "line"
    assert all("type" not in d for d in s["chart"]["datasets"][:3])
    assert s["chart"]["stacked"] is True
    assert s["summary"] == (
        "Keputusan per hari: 10 keputusan (6 disetujui, 3 dikembalikan, 1 ditolak), "
        "80,0% dalam batas waktu." + SEE
    )


def test_reasons_by_name_with_their_counts(sections):
    s = sections["alasan"]
    assert plotted(s) == (
        [
            "Berkas tidak terbaca, buram atau terpotong",
            "Isian data tidak benar",
            "Syarat usia atau status perkawinan belum terpenuhi",
            "Dokumen belum diunggah",
        ],
        [("Jumlah", [3, 2, 1, 1], ORANGE)],
    )
    assert s["summary"] == (
        "Alasan kekurangan terbanyak, tertinggi Berkas tidak terbaca, buram atau terpotong (3)."
        + SEE
    )


def test_officers(sections):
    s = sections["petugas"]
    assert plotted(s) == (
        ["Budi", "Citra"],
        [
            ("Disetujui", [4, 2], BLUE),
            ("Dikembalikan", [1, 2], ORANGE),
            ("Ditolak", [1, 0], PURPLE),
        ],
    )
    assert (s["chart"]["horizontal"], s["chart"]["stacked"]) == (True, True)
    # The top officer by all decisions, not by one series.
    assert s["summary"] == "Keputusan per petugas, tertinggi Budi (6)." + SEE


def test_perekaman(sections):
    s = sections["perekaman"]
    assert plotted(s) == (
        ["Balai Desa Purwosari", "Kantor Disdukcapil Kudus"],
        [("Kuota", [10, 42], SKY), ("Dipesan", [0, 4], BLUE), ("Hadir", [0, 3], GREEN)],
    )
    assert s["summary"] == "Perekaman per tempat: kuota 52, dipesan 4, hadir 3." + SEE


def test_ikm_per_service_rounded_with_gaps(sections):
    s = sections["ikm_layanan"]
    labels, series = plotted(s)
    assert dict(zip(labels, series[0][1], strict=True)) == {
        "Kartu Keluarga (KK)": 100.0,
        "e-KTP (KTP elektronik)": 87.5,
        "Akta Kelahiran": None,
        "Akta Kematian": None,
        "Kartu Identitas Anak (KIA)": None,
        "Semua layanan": 91.67,
    }
    assert series[0][0] == "Nilai IKM" and s["chart"]["horizontal"] is True
    assert s["summary"] == "Nilai IKM per layanan (0–100)." + SEE


def test_ikm_per_month(sections):
    s = sections["ikm_bulanan"]
    assert plotted(s) == (["Des 2026"], [("Nilai IKM", [91.67], BLUE)])
    assert s["chart"]["type"] == "line"
    assert s["summary"] == "Nilai IKM per bulan (0–100)." + SEE


def test_chart_with_only_zeros_says_so(client, kudus):
    from paksemmok.accounts.models import User

    sign_in_with_totp(client, staff("dewi", User.Role.SUPERVISOR))
    s = client.get(URL, RANGE).context["sections"]["permohonan_harian"]
    assert plotted(s) == (DAYS, [("Permohonan", [0, 0, 0, 0, 0], BLUE)])
    assert "tertinggi" not in s["summary"] and "semua nol" in s["summary"]


def test_every_chart_names_columns_its_table_has():
    # Charts read rows by column key: a key missing or given twice would plot the wrong column.
    for table in TABLES.values():
        if table.chart is None:
            continue
        keys = [c.key for c in table.columns]
        assert all(keys) and len(set(keys)) == len(keys), table.slug
        named = [table.chart.label, *(s.column for s in table.chart.series)]
        if table.chart.label_detail:
            named.append(table.chart.label_detail)
        assert set(named) <= set(keys), table.slug
