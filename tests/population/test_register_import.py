import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from paksemmok.audit.models import AuditEntry
from paksemmok.population import register_import
from paksemmok.population.models import Family, FamilyVersion, NumberSequence, Region, Resident
from paksemmok.population.register_import import import_register
from paksemmok.population.services import family_snapshot, generate_nik
from tests.factories import ResidentFactory

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "register-example.csv"


def example_rows() -> list[dict[str, str]]:
    with open(EXAMPLE, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def as_csv(rows: list[dict[str, str]], delimiter: str = ",") -> io.StringIO:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    out.seek(0)
    return out


def counts() -> tuple[int, int, int, int]:
    return (
        Resident.objects.count(),
        Family.objects.count(),
        FamilyVersion.objects.count(),
        AuditEntry.objects.filter(action="register.imported").count(),
    )


@pytest.mark.django_db
def test_the_documented_example_loads(kudus):
    report = import_register(EXAMPLE, name="register-example.csv")
    assert report.loaded and report.errors == [] and report.warnings == []
    assert counts() == (6, 2, 2, 1)
    fauzi = Family.objects.get(kk_number="3319022006150003")
    assert fauzi.head.full_name == "Ahmad Fauzi"
    assert fauzi.village.code == "33.19.02.1017"
    assert fauzi.members.count() == 4
    # Labels are accepted as well as codes, and RT/RW are padded as printed on a KK.
    sumarni = Resident.objects.get(nik="3319085707500003")
    assert (sumarni.education, sumarni.marital_status, sumarni.relationship, sumarni.rt) == (
        "tidak_sekolah",
        "cerai_mati",
        "kepala",
        "003",
    )
    assert sumarni.ektp_recording == "sudah_rekam" and sumarni.ektp_printed
    for family in Family.objects.all():
        version = family.versions.get()
        assert (version.version, family.current_version) == (1, 1)
        assert version.snapshot == family_snapshot(family)
    entry = AuditEntry.objects.get(action="register.imported")
    assert entry.details == {
        "file": "register-example.csv",
        "residents": 6,
        "families": 2,
        "warnings": 0,
    }


@pytest.mark.django_db
def test_semicolon_files_from_indonesian_spreadsheets_load(kudus):
    assert import_register(as_csv(example_rows(), delimiter=";")).loaded
    assert Resident.objects.count() == 6


def change(line: int, **values: str):
    """Rows of the example with line `line` (header = line 1) changed."""

    def apply(rows):
        rows[line - 2].update(values)
        return rows

    return apply


BAD = [
    (change(2, nik="331902120879002"), 2, "nik", "16 digit"),
    (change(3, nik="3319024502830000"), 3, "nik", "0000"),
    # Kudus has nine kecamatan: 33.19.10 does not exist.
    (change(3, nik="3319104502830017"), 3, "nik", "Kode kecamatan 33.19.10"),
    (change(2, kk_number="3319102006150001"), 2, "kk_number", "Kode kecamatan 33.19.10"),
    (change(2, kk_number="3319022006150000"), 2, "kk_number", "0000"),
    (change(4, village_code="33.19.02.9999"), 4, "village_code", "tidak dikenal"),
    (change(4, birth_date="03-10-2008"), 4, "birth_date", "TTTT-BB-HH"),
    (change(4, birth_date="2999-01-01"), 4, "birth_date", "masa depan"),
    (change(5, religion="Jedi"), 5, "religion", "'Jedi' tidak dikenal"),
    (change(5, education="SMA"), 5, "education", "tidak dikenal"),
    (change(3, marital_status="nikah siri"), 3, "marital_status", "tidak dikenal"),
    (change(6, sex="X"), 6, "sex", "tidak dikenal"),
    (change(7, life_status="hilang"), 7, "life_status", "tidak dikenal"),
    (change(7, ektp_printed="mungkin"), 7, "ektp_printed", "'ya' atau 'tidak'"),
    (change(7, rt="12a"), 7, "rt", "angka"),
    (change(3, full_name=""), 3, "full_name", "Wajib diisi"),
    (change(3, full_name="A" * 121), 3, "full_name", "Terlalu panjang"),
    (
        change(5, nik="3319020310080009", birth_date="2008-10-03", sex="L"),
        5,
        "nik",
        "sama dengan baris 4",
    ),
    (change(2, relationship="anak"), 2, "relationship", "tidak punya kepala keluarga"),
    (change(5, relationship="kepala"), 5, "relationship", "sudah punya kepala keluarga di baris 2"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("mutate", "line", "column", "fragment"), BAD)
def test_each_bad_row_is_reported_by_row_and_column_and_nothing_loads(
    kudus, mutate, line, column, fragment
):
    before = counts()
    report = import_register(as_csv(mutate(example_rows())))
    assert not report.loaded
    messages = [str(p) for p in report.errors]
    prefix = f"Baris {line}, kolom {column}: "
    assert any(m.startswith(prefix) and fragment in m for m in messages), messages
    assert counts() == before


@pytest.mark.django_db
def test_nik_already_in_the_register_is_refused(kudus):
    ResidentFactory(nik="3319024502830017", birth_date=dt.date(1983, 2, 5), sex="P")
    before = counts()
    report = import_register(EXAMPLE)
    assert [str(p) for p in report.errors] == [
        "Baris 3, kolom nik: NIK sudah terdaftar di register."
    ]
    assert counts() == before


@pytest.mark.django_db
def test_database_constraint_also_refuses_a_duplicate_nik(kudus, monkeypatch):
    # As if another import landed the same NIK between our check and our insert.
    ResidentFactory(nik="3319024502830017", birth_date=dt.date(1983, 2, 5), sex="P")
    monkeypatch.setattr(register_import, "_check_database", lambda rows, report: None)
    before = counts()
    with pytest.raises(IntegrityError):
        import_register(EXAMPLE)
    assert counts() == before


@pytest.mark.django_db
def test_missing_column_is_one_clear_error(kudus):
    rows = [{k: v for k, v in r.items() if k != "religion"} for r in example_rows()]
    report = import_register(as_csv(rows))
    assert [str(p) for p in report.errors] == ["Baris 1: Kolom wajib tidak ada: religion."]
    assert counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_warnings_do_not_stop_the_import(kudus):
    # Born a day later than the NIK says (a corrected birth date), and a son living at
    # another address: both happen in real registers.
    rows = change(4, birth_date="2008-10-04", address="Pondok Pesantren Qudsiyyah")(example_rows())
    report = import_register(as_csv(rows))
    assert report.loaded
    warnings = [str(p) for p in report.warnings]
    assert any(w.startswith("Baris 4, kolom nik: Tanggal lahir") for w in warnings), warnings
    assert any(w.startswith("Baris 4, kolom address: Berbeda") for w in warnings), warnings
    son = Resident.objects.get(nik="3319020310080009")
    assert son.address == "Pondok Pesantren Qudsiyyah"
    assert son.family.address == "Jl. Kyai Telingsing Gg. 3 No. 12"


@pytest.mark.django_db
def test_later_numbers_continue_above_imported_ones(kudus):
    # A sequence already exists for the prefix the file uses: it must be raised.
    NumberSequence.objects.create(kind="nik", prefix="331902451083", last_serial=1)
    rows = change(3, nik="3319024510830017", birth_date="1983-10-05")(example_rows())
    assert import_register(as_csv(rows)).loaded
    kota = Region.objects.get(code="33.19.02")
    assert generate_nik(kota, dt.date(1983, 10, 5), "P") == "3319024510830018"
    # No sequence row yet: the floor read from the register does the same.
    assert generate_nik(kota, dt.date(1979, 8, 12), "L") == "3319021208790022"


@pytest.mark.django_db
def test_command_prints_every_error_and_exits_non_zero(kudus, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    rows = change(2, nik="123")(change(6, religion="Jedi")(example_rows()))
    bad.write_text(as_csv(rows).getvalue(), encoding="utf-8")
    with pytest.raises(CommandError, match="2 kesalahan"):
        call_command("import_register", str(bad))
    err = capsys.readouterr().err
    assert "Baris 2, kolom nik: NIK harus terdiri dari 16 digit angka." in err
    assert "Baris 6, kolom religion:" in err
    assert counts() == (0, 0, 0, 0)
    call_command("import_register", str(EXAMPLE))
    assert "6 penduduk dalam 2 KK dimuat" in capsys.readouterr().out


@pytest.mark.django_db
def test_optional_columns_may_be_left_out(kudus):
    optional = {"father_name", "mother_name", "ektp_printed"}
    rows = [{k: v for k, v in r.items() if k not in optional} for r in example_rows()]
    report = import_register(as_csv(rows))
    assert report.loaded, [str(p) for p in report.errors]
    fauzi = Resident.objects.get(nik="3319021208790021")
    assert (fauzi.father_name, fauzi.ektp_printed) == ("", False)


def with_extra_field(line: int):
    """The example with one value too many on line `line`."""

    def apply(rows):
        text = as_csv(rows).getvalue().splitlines()
        text[line - 1] += ",extra"
        return io.StringIO("\n".join(text) + "\n")

    return apply


# One case per rule the cases above do not reach, with the whole message staff read.
MORE_RULES = [
    (with_extra_field(3), ["Baris 3: Jumlah kolom 22, seharusnya 21."]),
    (
        lambda rows: as_csv(change(4, birth_date="1899-12-31")(rows)),
        ["Baris 4, kolom birth_date: Tanggal lahir sebelum tahun 1900."],
    ),
    (
        lambda rows: as_csv(change(7, rw="1234")(rows)),
        ["Baris 7, kolom rw: Harus berupa angka, paling banyak 3 digit."],
    ),
    # An empty choice is missing, not an unknown value: one message, not two.
    (lambda rows: as_csv(change(6, sex="")(rows)), ["Baris 6, kolom sex: Wajib diisi."]),
    (
        lambda rows: as_csv(change(5, father_name="B" * 121)(rows)),
        ["Baris 5, kolom father_name: Terlalu panjang (maksimal 120 karakter)."],
    ),
    (
        lambda rows: io.StringIO(",".join(rows[0]) + "\n"),
        ["Baris 1: Berkas tidak berisi data penduduk."],
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("make", "expected"), MORE_RULES)
def test_more_rules_in_the_words_staff_read(kudus, make, expected):
    report = import_register(make(example_rows()))
    assert [str(p) for p in report.errors] == expected
    assert not report.loaded and counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_kk_number_already_in_the_register_is_refused_on_every_member_row(kudus):
    from tests.factories import FamilyFactory

    FamilyFactory(kk_number="3319022006150003")
    report = import_register(EXAMPLE)
    message = (
        "kolom kk_number: Nomor KK sudah terdaftar; perubahan KK yang ada lewat layanan KK, "
        "bukan impor."
    )
    assert [str(p) for p in report.errors] == [f"Baris {n}, {message}" for n in (2, 3, 4, 5)]
    assert not report.loaded


@pytest.mark.django_db
def test_every_problem_of_a_row_is_reported_missing_and_too_long_first(kudus):
    rows = change(
        3,
        nik="123",
        sex="X",
        religion="",
        birth_date="1983-02-30",
        rt="ab",
        ektp_printed="?",
        village_code="33.19.02.9999",
        occupation="x" * 61,
    )(example_rows())
    report, _ = register_import.validate(as_csv(rows))
    assert [str(p) for p in report.errors] == [
        "Baris 3, kolom religion: Wajib diisi.",
        "Baris 3, kolom occupation: Terlalu panjang (maksimal 60 karakter).",
        "Baris 3, kolom sex: Nilai 'X' tidak dikenal. Pilihan: L (Laki-laki), P (Perempuan).",
        "Baris 3, kolom birth_date: Tanggal harus berformat TTTT-BB-HH, misalnya 1990-05-17.",
        "Baris 3, kolom nik: NIK harus terdiri dari 16 digit angka.",
        "Baris 3, kolom village_code: Kode desa/kelurahan '33.19.02.9999' tidak dikenal; "
        "impor wilayah dulu.",
        "Baris 3, kolom rt: Harus berupa angka, paling banyak 3 digit.",
        "Baris 3, kolom ektp_printed: Isi 'ya' atau 'tidak'.",
    ]


@pytest.mark.django_db
def test_a_birth_date_out_of_range_is_still_compared_with_the_nik(kudus):
    report, _ = register_import.validate(as_csv(change(4, birth_date="1899-12-31")(example_rows())))
    assert [str(p) for p in report.warnings] == [
        "Baris 4, kolom nik: Tanggal lahir di register berbeda dengan yang tersirat dalam NIK."
    ]


@pytest.mark.django_db
def test_values_are_tidied_as_a_kk_prints_them(kudus):
    rows = change(
        2,
        full_name="  Ahmad   Fauzi ",
        religion=" ISLAM ",
        education="Tidak/belum   sekolah",
        rt="2",
        ektp_printed="Sudah",
    )(example_rows())
    report, cleaned = register_import.validate(as_csv(rows))
    assert report.errors == []
    fauzi = cleaned[0]
    assert (fauzi["full_name"], fauzi["religion"], fauzi["education"]) == (
        "Ahmad Fauzi",
        "islam",
        "tidak_sekolah",
    )
    assert (fauzi["rt"], fauzi["rw"], fauzi["ektp_printed"]) == ("002", "001", True)
    assert fauzi["village"].code == "33.19.02.1017" and fauzi["line"] == 2
