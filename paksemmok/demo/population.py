"""Demo register: ~2,000 generated residents plus named families for the service walkthroughs.

The named residents live in Kelurahan Purwosari, Kota Kudus (33.19.02.1001). Their numbers are
fixed so the README and later issues can quote them. They all use serials 9001 and up, which
the generator never reaches (a prefix is one kecamatan and one birth or issue day), so named and
generated numbers cannot meet whichever is loaded first.

* Keluarga Santoso (DEMO_SANTOSO_KK): Budi Santoso (head), his wife Siti Rahayu and their son
  Rafi. Their daughter was born `DEMO_NEWBORN_DAYS_AGO` days before the demo was loaded
  (`newborn_birth_date()`) and is NOT on the KK and has no NIK yet: the parents apply for her
  akta kelahiran, which adds her to the KK.
* Keluarga Hartono (DEMO_HARTONO_KK): Rina Lestari (DEMO_UNRECORDED_NIK), born 20 May 2007,
  is 17+ but not yet recorded for e-KTP (belum rekam): online e-KTP must send her to perekaman.
* Keluarga Sutrisno (DEMO_SUTRISNO_KK): Sutrisno (DEMO_DECEASED_NIK), the head, died
  `DEMO_DEATH_DAYS_AGO` days before the demo was loaded (`death_date()`), at home. The death
  has NOT been reported, so the register still shows him alive ("hidup"): his wife Sumiyati
  applies for the akta kematian, which marks him deceased and names her head of a new KK.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from paksemmok.population.models import Family, Region, Resident
from paksemmok.population.regions import import_regency
from paksemmok.population.services import record_family_version

from .population_generator import generate_population

DEMO_SEED = 2026
DEMO_GENERATED_RESIDENTS = 2000
# Fixed, so the generated demo people and their NIKs are the same on every machine.
DEMO_REFERENCE_DATE = dt.date(2026, 11, 1)
DEMO_VILLAGE_CODE = "33.19.02.1001"  # Kelurahan Purwosari, Kecamatan Kota Kudus

DEMO_SANTOSO_KK = "3319020107219001"
DEMO_SANTOSO_HEAD_NIK = "3319021503949001"  # Budi Santoso
DEMO_SANTOSO_WIFE_NIK = "3319024908979001"  # Siti Rahayu
DEMO_SANTOSO_SON_NIK = "3319020206219001"  # Rafi Santoso
DEMO_NEWBORN_NAME = "Nayla Putri Santoso"
DEMO_NEWBORN_SEX = "P"
DEMO_NEWBORN_DAYS_AGO = 10

DEMO_HARTONO_KK = "3319021402089001"
DEMO_HARTONO_HEAD_NIK = "3319021009759001"  # Hartono
DEMO_UNRECORDED_NIK = "3319026005079001"  # Rina Lestari, belum rekam

DEMO_SUTRISNO_KK = "3319020501159001"
DEMO_DECEASED_NIK = "3319020204529001"  # Sutrisno, died but not yet reported
DEMO_SUTRISNO_WIFE_NIK = "3319025110569001"  # Sumiyati
DEMO_DEATH_DAYS_AGO = 12


def newborn_birth_date(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) - dt.timedelta(days=DEMO_NEWBORN_DAYS_AGO)


def death_date(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) - dt.timedelta(days=DEMO_DEATH_DAYS_AGO)


_ADULT = {"ektp_recording": Resident.Recording.RECORDED, "ektp_printed": True}
_CHILD = {"ektp_recording": Resident.Recording.NOT_RECORDED, "ektp_printed": False}

# (kk, address, rt, rw, members); a member is (nik, name, sex, born, relationship, marital,
# education, occupation, father, mother, extra fields). The head comes first.
NAMED_FAMILIES: list[tuple[str, str, str, str, list[tuple[Any, ...]]]] = [
    (
        DEMO_SANTOSO_KK,
        "Jl. Sunan Kudus Gg. 5 No. 21",
        "003",
        "002",
        [
            (
                DEMO_SANTOSO_HEAD_NIK,
                "Budi Santoso",
                "L",
                dt.date(1994, 3, 15),
                "kepala",
                "kawin",
                "d4_s1",
                "Karyawan swasta",
                "Slamet",
                "Sri Wahyuni",
                _ADULT,
            ),
            (
                DEMO_SANTOSO_WIFE_NIK,
                "Siti Rahayu",
                "P",
                dt.date(1997, 8, 9),
                "istri",
                "kawin",
                "slta",
                "Mengurus rumah tangga",
                "Sugiyono",
                "Suparmi",
                _ADULT,
            ),
            (
                DEMO_SANTOSO_SON_NIK,
                "Rafi Santoso",
                "L",
                dt.date(2021, 6, 2),
                "anak",
                "belum_kawin",
                "tidak_sekolah",
                "Belum/tidak bekerja",
                "Budi Santoso",
                "Siti Rahayu",
                _CHILD,
            ),
        ],
    ),
    (
        DEMO_HARTONO_KK,
        "Jl. Jenderal Sudirman Gg. 2 No. 7",
        "001",
        "004",
        [
            (
                DEMO_HARTONO_HEAD_NIK,
                "Hartono",
                "L",
                dt.date(1975, 9, 10),
                "kepala",
                "kawin",
                "slta",
                "Pedagang",
                "Kasiman",
                "Tukinah",
                _ADULT,
            ),
            (
                "3319026501799001",
                "Dewi Kusumawati",
                "P",
                dt.date(1979, 1, 25),
                "istri",
                "kawin",
                "sltp",
                "Pedagang",
                "Sunarto",
                "Ngatini",
                _ADULT,
            ),
            (
                DEMO_UNRECORDED_NIK,
                "Rina Lestari",
                "P",
                dt.date(2007, 5, 20),
                "anak",
                "belum_kawin",
                "slta",
                "Pelajar/mahasiswa",
                "Hartono",
                "Dewi Kusumawati",
                {"ektp_recording": Resident.Recording.NOT_RECORDED, "ektp_printed": False},
            ),
        ],
    ),
    (
        DEMO_SUTRISNO_KK,
        "Jl. Menara Gg. 1 No. 3",
        "002",
        "001",
        [
            (
                DEMO_DECEASED_NIK,
                "Sutrisno",
                "L",
                dt.date(1952, 4, 2),
                "kepala",
                "kawin",
                "sd",
                "Pensiunan",
                "Karsono",
                "Painem",
                _ADULT,
            ),
            (
                DEMO_SUTRISNO_WIFE_NIK,
                "Sumiyati",
                "P",
                dt.date(1956, 10, 11),
                "istri",
                "kawin",
                "sd",
                "Mengurus rumah tangga",
                "Wagiman",
                "Sarmi",
                _ADULT,
            ),
        ],
    ),
]


def create_named_residents() -> dict[str, Resident]:
    """Creates the named demo families (skipping any whose KK exists); returns them by NIK.

    Each family gets KK version 1 through `services.record_family_version`, as a family
    registered at the counter would.
    """
    village = Region.objects.select_related("parent").get(code=DEMO_VILLAGE_CODE)
    for kk, address, rt, rw, members in NAMED_FAMILIES:
        if Family.objects.filter(kk_number=kk).exists():
            continue
        family = Family.objects.create(kk_number=kk, village=village, address=address, rt=rt, rw=rw)
        for (
            nik,
            name,
            sex,
            born,
            relationship,
            marital,
            education,
            occupation,
            father,
            mother,
            extra,
        ) in members:
            resident = Resident.objects.create(
                nik=nik,
                full_name=name,
                sex=sex,
                birth_place="Kudus",
                birth_date=born,
                religion="islam",
                education=education,
                occupation=occupation,
                marital_status=marital,
                father_name=father,
                mother_name=mother,
                village=village,
                address=address,
                rt=rt,
                rw=rw,
                family=family,
                relationship=relationship,
                **extra,
            )
            if relationship == "kepala":
                family.head = resident
        family.save(update_fields=["head", "updated_at"])
        record_family_version(family, reason="Data demo")
    niks = [m[0] for family in NAMED_FAMILIES for m in family[4]]
    return {r.nik: r for r in Resident.objects.filter(nik__in=niks)}


def load() -> None:
    if not Region.objects.filter(code=DEMO_VILLAGE_CODE).exists():
        import_regency(settings.REGENCY_CODE)
    create_named_residents()
    generate_population(
        DEMO_GENERATED_RESIDENTS, DEMO_SEED, reference_date=DEMO_REFERENCE_DATE, append=True
    )


STEPS = [("population.residents", load)]


def logins() -> list[tuple[str, str, str]]:
    # Resident accounts come with the sign-up flow; until then there is nothing to print.
    return []
