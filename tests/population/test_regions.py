import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from paksemmok.population.models import Region

# The reference list from Disdukcapil's shared material (../shared/data/kudus-wilayah.csv).
REFERENCE = Path(__file__).resolve().parent.parent / "data" / "kudus-wilayah.csv"

pytestmark = pytest.mark.django_db


def reference_rows() -> dict[str, str]:
    with REFERENCE.open(newline="", encoding="utf-8") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}


def test_kudus_matches_the_reference_list():
    out = StringIO()
    call_command("import_regions", "33.19", stdout=out)
    assert "9 kecamatan, 132 desa/kelurahan" in out.getvalue()
    imported = {r.code: r.name for r in Region.objects.filter(code__startswith="33.19")}
    assert imported == reference_rows()


def test_levels_kinds_and_parents():
    call_command("import_regions", "33.19", stdout=StringIO())
    kota_kudus = Region.objects.get(code="33.19.02")
    assert kota_kudus.level == Region.Level.KECAMATAN
    assert kota_kudus.parent.code == "33.19"
    assert Region.objects.get(code="33.19").parent.code == "33"
    villages = Region.objects.filter(level=Region.Level.VILLAGE)
    assert villages.count() == 132
    # A leading 1 in the village code is a kelurahan; all nine are in Kota Kudus.
    kelurahan = villages.filter(kind=Region.Kind.KELURAHAN)
    assert kelurahan.count() == 9
    assert set(kelurahan.values_list("parent__code", flat=True)) == {"33.19.02"}
    assert all(v.code.split(".")[3].startswith("1") for v in kelurahan)
    assert villages.filter(kind=Region.Kind.DESA).count() == 123
    per_kecamatan = {k.name: k.children.count() for k in Region.objects.filter(level=3)}
    assert per_kecamatan == {
        "Kaliwungu": 15,
        "Kota Kudus": 25,
        "Jati": 14,
        "Undaan": 16,
        "Mejobo": 11,
        "Jekulo": 12,
        "Bae": 10,
        "Gebog": 11,
        "Dawe": 18,
    }


def test_import_is_idempotent_and_keeps_references():
    call_command("import_regions", "33.19", stdout=StringIO())
    village = Region.objects.get(code="33.19.01.2001")
    village.name = "Nama lama"
    village.save()
    out = StringIO()
    call_command("import_regions", "33.19", stdout=out)
    assert "0 baru, 143 diperbarui" in out.getvalue()
    village.refresh_from_db()
    assert village.name == "Bakalankrapyak"
    assert Region.objects.count() == 143


def test_any_regency_can_be_imported():
    call_command("import_regions", "33.20", stdout=StringIO())  # Kabupaten Jepara
    assert Region.objects.get(code="33.20").name == "Kabupaten Jepara"
    assert Region.objects.filter(code__startswith="33.20.", level=3).count() > 10


@pytest.mark.parametrize("code", ["99.99", "33", "33.19.01", "abc"])
def test_unknown_or_non_regency_codes_are_refused(code):
    with pytest.raises(CommandError, match="tidak dikenal"):
        call_command("import_regions", code, stdout=StringIO())
    assert not Region.objects.exists()
