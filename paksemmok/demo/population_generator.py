"""A synthetic but plausible population register for the regency (Kudus by default).

Used for demos, load tests and benchmarks; never mixed with real data in production. The
shape follows what a Central Java register looks like: households of about 3.3 people (couples
with children, some with a widowed parent, elderly couples, widows living alone, single
parents, young single adults), Javanese names that change with the generation, Islam for
about 97% with small shares of the other religions, education that rises with the birth
cohort, and about 98% of adults recorded for e-KTP (domain.md, "Sizing").

Numbers follow the real rules: NIK = kecamatan of the village + DDMMYY (+40 for women) +
serial, No. KK = kecamatan + issue date + serial. Both continue above numbers already in the
register and above `NumberSequence`, so `population.services.generate_nik` and `generate_kk_number`
never hand out a generated number again (see `bulk.raise_sequences`).

Everything is drawn from random generators seeded by the seed and the village code, and the
villages are filled in code order, so the same seed on the same empty register and reference
date gives the same people and numbers.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from array import array
from bisect import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from paksemmok.audit.log import record
from paksemmok.population import bulk
from paksemmok.population.models import (
    Citizenship,
    Education,
    Family,
    MaritalStatus,
    NumberSequence,
    Region,
    Relationship,
    Religion,
    Resident,
)

GENERATED_REASON = "Pendataan awal (data sintetis)"


class PopulationError(Exception):
    """The generator cannot run; the message says why and what to do."""


@dataclass
class GenerationResult:
    residents: int
    families: int
    villages: int
    seed: int
    reference_date: dt.date
    method: str
    seconds: float  # generating and writing, before the commit


class _Weighted:
    """Weighted choice by bisecting cumulative weights: far cheaper than random.choices."""

    __slots__ = ("cum", "total", "values")

    def __init__(self, pairs: Sequence[tuple[Any, float]]) -> None:
        self.values = [v for v, _w in pairs]
        self.cum = list(accumulate(w for _v, w in pairs))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random) -> Any:
        return self.values[bisect(self.cum, rng.random() * self.total)]


# --- Names ------------------------------------------------------------------------------
# Javanese naming changes by generation: single names for those born before ~1965, two-part
# names with Islamic or Sanskrit-Javanese elements later, Arabic-inspired names for the young.
_OLD_M = [
    "Slamet",
    "Sutrisno",
    "Suparno",
    "Sukardi",
    "Kasmo",
    "Paijo",
    "Sumadi",
    "Sugiyono",
    "Ngadiman",
    "Karsono",
    "Rasimin",
    "Supardi",
    "Darsono",
    "Marjuki",
    "Sarmin",
    "Suwarno",
    "Mulyono",
    "Sukirman",
    "Kusnan",
    "Rakhmat",
    "Tarmuji",
    "Juwadi",
    "Mashuri",
    "Sunarto",
    "Wagiman",
    "Kasiman",
    "Parmin",
    "Ahmad Sholeh",
    "Abdul Rohman",
    "Muh Nur Hadi",
    "Sarjono",
    "Sumarno",
    "Ngatemin",
    "Rusdi",
    "Kastari",
    "Masrukhan",
]
_OLD_F = [
    "Suparmi",
    "Sumarni",
    "Sarmi",
    "Ngatini",
    "Suwarni",
    "Tukinah",
    "Kasmirah",
    "Sulastri",
    "Siti Aminah",
    "Siti Fatimah",
    "Painem",
    "Marsini",
    "Sri Rejeki",
    "Sri Wahyuni",
    "Rukmini",
    "Jumini",
    "Kartini",
    "Sumiyati",
    "Sutini",
    "Masruroh",
    "Rohmah",
    "Ngaisah",
    "Kamsidah",
    "Tasmini",
    "Siti Khotijah",
    "Sukini",
    "Parmi",
    "Ruminah",
    "Musripah",
]
_MID_M_GIVEN = [
    "Budi",
    "Agus",
    "Joko",
    "Bambang",
    "Eko",
    "Dwi",
    "Heru",
    "Hadi",
    "Arif",
    "Teguh",
    "Wahyu",
    "Rudi",
    "Hendra",
    "Imam",
    "Muhammad",
    "Ahmad",
    "Nur",
    "Ali",
    "Sigit",
    "Bayu",
    "Yusuf",
    "Rohmat",
    "Didik",
    "Edy",
    "Slamet",
    "Sutrisno",
    "Sri",
    "Tri",
    "Anton",
    "Moh",
]
_MID_M_SECOND = [
    "Santoso",
    "Setiawan",
    "Prasetyo",
    "Susilo",
    "Wibowo",
    "Purnomo",
    "Hidayat",
    "Saputro",
    "Kurniawan",
    "Nugroho",
    "Mulyadi",
    "Suryanto",
    "Hartono",
    "Riyanto",
    "Haryanto",
    "Arifin",
    "Fauzi",
    "Kholiq",
    "Rohman",
    "Sholikhin",
    "Mustofa",
    "Gunawan",
    "Budiman",
    "Widodo",
    "Wahyudi",
    "Irawan",
]
_MID_F_GIVEN = [
    "Siti",
    "Sri",
    "Dewi",
    "Rini",
    "Endang",
    "Tri",
    "Yuli",
    "Wahyu",
    "Nur",
    "Ani",
    "Eni",
    "Puji",
    "Indah",
    "Ratna",
    "Umi",
    "Lilik",
    "Susi",
    "Dwi",
    "Siti",
    "Sri",
    "Nanik",
    "Sulis",
    "Ika",
    "Kurnia",
]
_MID_F_SECOND = [
    "Rahayu",
    "Lestari",
    "Wulandari",
    "Handayani",
    "Kusumawati",
    "Susanti",
    "Setyowati",
    "Purwanti",
    "Rahmawati",
    "Mulyani",
    "Yuliani",
    "Astuti",
    "Wahyuni",
    "Hidayah",
    "Khasanah",
    "Maesaroh",
    "Rohmah",
    "Fitriani",
    "Ningsih",
    "Sulistyowati",
    "Ernawati",
    "Muawanah",
]
_YOUNG_M_GIVEN = [
    "Muhammad",
    "Ahmad",
    "Rizky",
    "Fajar",
    "Dimas",
    "Aditya",
    "Bagus",
    "Rafi",
    "Farhan",
    "Alfian",
    "Naufal",
    "Akbar",
    "Ilham",
    "Arya",
    "Yoga",
    "Rendi",
    "Dani",
    "Fikri",
    "Zaki",
    "Alif",
    "Muhammad",
    "Ahmad",
    "Galih",
    "Hafiz",
]
_YOUNG_M_SECOND = [
    "Pratama",
    "Saputra",
    "Ramadhan",
    "Maulana",
    "Firmansyah",
    "Hidayat",
    "Nugroho",
    "Setiawan",
    "Prasetyo",
    "Alfarizi",
    "Putra",
    "Wijaya",
    "Kurniawan",
    "Syahputra",
    "Akbar",
    "Aziz",
    "Fadillah",
    "Rizki",
    "Nur Faiz",
    "Ardiansyah",
]
_YOUNG_F_GIVEN = [
    "Nur",
    "Siti",
    "Aulia",
    "Nayla",
    "Putri",
    "Dinda",
    "Anisa",
    "Zahra",
    "Salsabila",
    "Aisyah",
    "Fitri",
    "Indah",
    "Dwi",
    "Ayu",
    "Nabila",
    "Khofifah",
    "Laila",
    "Alya",
    "Kirana",
    "Rahma",
    "Nadia",
    "Aurel",
]
_YOUNG_F_SECOND = [
    "Putri",
    "Lestari",
    "Rahmawati",
    "Azzahra",
    "Nurhaliza",
    "Safitri",
    "Ramadhani",
    "Wulandari",
    "Maharani",
    "Kurniasari",
    "Febriani",
    "Anggraini",
    "Oktaviani",
    "Permatasari",
    "Fadhilah",
    "Khoirunnisa",
    "Amelia",
    "Zahira",
]


def _name(rng: random.Random, sex: str, birth_year: int) -> str:
    male = sex == "L"
    if birth_year < 1965:
        first = rng.choice(_OLD_M if male else _OLD_F)
        if rng.random() < 0.25:
            return f"{first} {rng.choice(_MID_M_SECOND if male else _MID_F_SECOND)}"
        return first
    if birth_year < 1992:
        given = rng.choice(_MID_M_GIVEN if male else _MID_F_GIVEN)
        roll = rng.random()
        if roll < 0.2:
            return (
                given
                if given not in ("Sri", "Tri", "Nur", "Moh", "Dwi")
                else (f"{given} {rng.choice(_MID_M_SECOND if male else _MID_F_SECOND)}")
            )
        return f"{given} {rng.choice(_MID_M_SECOND if male else _MID_F_SECOND)}"
    given = rng.choice(_YOUNG_M_GIVEN if male else _YOUNG_F_GIVEN)
    second = rng.choice(_YOUNG_M_SECOND if male else _YOUNG_F_SECOND)
    roll = rng.random()
    if roll < 0.2:
        middle = rng.choice(_YOUNG_M_GIVEN if male else _YOUNG_F_GIVEN)
        if middle != given:
            return f"{given} {middle} {second}"
    return f"{given} {second}" if second != given else given


# --- Attributes -------------------------------------------------------------------------
_RELIGION = _Weighted(
    [
        (Religion.ISLAM.value, 97.3),
        (Religion.KRISTEN.value, 1.5),
        (Religion.KATOLIK.value, 0.7),
        (Religion.BUDDHA.value, 0.35),
        (Religion.KHONGHUCU.value, 0.08),
        (Religion.HINDU.value, 0.03),
        (Religion.KEPERCAYAAN.value, 0.04),
    ]
)
_E = Education
# Adult education by birth cohort: schooling spread fast in Central Java after the 1970s.
_EDUCATION_BY_COHORT = [
    (
        1955,
        _Weighted(
            [
                (_E.NONE, 24),
                (_E.SD_NOT_FINISHED, 20),
                (_E.SD, 36),
                (_E.SLTP, 10),
                (_E.SLTA, 8),
                (_E.D1_D2, 0.5),
                (_E.D3, 0.5),
                (_E.S1, 1),
            ]
        ),
    ),
    (
        1970,
        _Weighted(
            [
                (_E.NONE, 10),
                (_E.SD_NOT_FINISHED, 12),
                (_E.SD, 36),
                (_E.SLTP, 18),
                (_E.SLTA, 18),
                (_E.D1_D2, 1),
                (_E.D3, 1.5),
                (_E.S1, 3),
                (_E.S2, 0.3),
            ]
        ),
    ),
    (
        1985,
        _Weighted(
            [
                (_E.NONE, 3),
                (_E.SD_NOT_FINISHED, 5),
                (_E.SD, 24),
                (_E.SLTP, 24),
                (_E.SLTA, 33),
                (_E.D1_D2, 1.5),
                (_E.D3, 3),
                (_E.S1, 7),
                (_E.S2, 0.8),
                (_E.S3, 0.05),
            ]
        ),
    ),
    (
        9999,
        _Weighted(
            [
                (_E.NONE, 1),
                (_E.SD_NOT_FINISHED, 1.5),
                (_E.SD, 9),
                (_E.SLTP, 22),
                (_E.SLTA, 49),
                (_E.D1_D2, 2),
                (_E.D3, 4),
                (_E.S1, 11),
                (_E.S2, 0.6),
            ]
        ),
    ),
]
_HIGHER = {_E.D3, _E.S1, _E.S2, _E.S3}
_JOBS_M = _Weighted(
    [
        ("Karyawan swasta", 24),
        ("Buruh harian lepas", 17),
        ("Wiraswasta", 17),
        ("Petani/pekebun", 8),
        ("Pedagang", 7),
        ("Buruh tani/perkebunan", 5),
        ("Sopir", 3),
        ("Tukang batu", 3),
        ("Tukang kayu", 1.5),
        ("Belum/tidak bekerja", 4),
        ("Perangkat desa", 0.5),
        ("Karyawan BUMN", 0.5),
        ("TNI", 0.3),
        ("Kepolisian RI", 0.3),
        ("Peternak", 1),
    ]
)
_JOBS_F = _Weighted(
    [
        ("Mengurus rumah tangga", 34),
        ("Karyawan swasta", 25),
        ("Buruh harian lepas", 9),
        ("Wiraswasta", 10),
        ("Pedagang", 8),
        ("Petani/pekebun", 3),
        ("Buruh tani/perkebunan", 2),
        ("Penjahit", 2),
        ("Belum/tidak bekerja", 4),
    ]
)
_JOBS_HIGHER = _Weighted(
    [
        ("Karyawan swasta", 30),
        ("Guru", 18),
        ("Pegawai negeri sipil", 12),
        ("Wiraswasta", 14),
        ("Karyawan BUMN", 4),
        ("Perawat", 4),
        ("Bidan", 2),
        ("Dosen", 1.5),
        ("Dokter", 1),
        ("Apoteker", 0.5),
        ("Belum/tidak bekerja", 5),
    ]
)
_JOBS_OLD_M = _Weighted(
    [
        ("Petani/pekebun", 25),
        ("Wiraswasta", 14),
        ("Pedagang", 10),
        ("Buruh harian lepas", 10),
        ("Pensiunan", 10),
        ("Belum/tidak bekerja", 24),
        ("Buruh tani/perkebunan", 7),
    ]
)
_JOBS_OLD_F = _Weighted(
    [
        ("Mengurus rumah tangga", 45),
        ("Pedagang", 10),
        ("Petani/pekebun", 10),
        ("Belum/tidak bekerja", 28),
        ("Pensiunan", 4),
        ("Buruh tani/perkebunan", 3),
    ]
)
_BIRTH_PLACES = _Weighted(
    [
        ("Kudus", 86),
        ("Jepara", 3.5),
        ("Pati", 3.5),
        ("Demak", 2.5),
        ("Grobogan", 1.2),
        ("Semarang", 1.2),
        ("Rembang", 0.6),
        ("Blora", 0.4),
        ("Jakarta", 0.5),
        ("Surabaya", 0.3),
        ("Surakarta", 0.3),
    ]
)
_DUKUH = [
    "Krajan",
    "Kauman",
    "Kulon",
    "Wetan",
    "Lor",
    "Kidul",
    "Tengah",
    "Gondang",
    "Ngasem",
    "Sawahan",
    "Pandean",
    "Kebonan",
    "Bulusan",
    "Karangmalang",
    "Jetak",
    "Sidorejo",
    "Tegalrejo",
    "Ngablak",
    "Padurenan",
    "Kedungdowo",
]
_STREETS = [
    "Jl. Sunan Kudus",
    "Jl. Sunan Muria",
    "Jl. Jenderal Sudirman",
    "Jl. Ahmad Yani",
    "Jl. Pemuda",
    "Jl. Kutilang",
    "Jl. Mejobo",
    "Jl. Lingkar Timur",
    "Jl. Agil Kusumadya",
    "Jl. Kyai Telingsing",
    "Jl. Menara",
    "Jl. Pramuka",
    "Jl. Kartini",
    "Jl. Dr. Lukmonohadi",
]


def _education(rng: random.Random, age: int, birth_year: int) -> str:
    if age < 5:
        return _E.NONE.value
    if age < 7:
        return _E.NONE.value if rng.random() < 0.5 else _E.SD_NOT_FINISHED.value
    if age < 13:
        return _E.SD_NOT_FINISHED.value
    if age < 16:
        return _E.SD.value
    if age < 19:
        return _E.SLTP.value
    for until, weights in _EDUCATION_BY_COHORT:
        if birth_year < until:
            level = weights.pick(rng)
            # Nobody finishes a degree at 19-21; they are still studying.
            if age < 22 and level in _HIGHER:
                return _E.SLTA.value
            return level.value
    raise AssertionError("unreachable")


def _occupation(rng: random.Random, age: int, sex: str, education: str) -> str:
    if age < 5:
        return "Belum/tidak bekerja"
    if age < 19:
        return "Pelajar/mahasiswa"
    if age < 23 and rng.random() < 0.35:
        return "Pelajar/mahasiswa"
    if age >= 60:
        return (_JOBS_OLD_M if sex == "L" else _JOBS_OLD_F).pick(rng)
    if education in _HIGHER and rng.random() < 0.8:
        return _JOBS_HIGHER.pick(rng)
    return (_JOBS_M if sex == "L" else _JOBS_F).pick(rng)


# --- Households ------------------------------------------------------------------------
class _P:
    """One person while a household is being built (ordinal birth day, names of parents)."""

    __slots__ = ("born", "father", "marital", "mother", "name", "rel", "sex")

    def __init__(
        self,
        sex: str,
        born: int,
        name: str,
        rel: str,
        marital: str,
        father: str = "",
        mother: str = "",
    ) -> None:
        self.sex, self.born, self.name, self.rel = sex, born, name, rel
        self.marital, self.father, self.mother = marital, father, mother


_KIND = _Weighted(
    [
        ("couple", 58),
        ("couple_elder", 9),
        ("old_couple", 14),
        ("widow", 8),
        ("single_parent", 6),
        ("single", 5),
    ]
)
_BIRTHS = _Weighted([(0, 7), (1, 18), (2, 38), (3, 23), (4, 10), (5, 4)])
_YEAR = 365.2425
_MARRIED = MaritalStatus.MARRIED.value
_SINGLE = MaritalStatus.SINGLE.value
_WIDOWED = MaritalStatus.WIDOWED.value
_DIVORCED = MaritalStatus.DIVORCED.value
_REL = Relationship
_ALIVE = Resident.LifeStatus.ALIVE.value
_RECORDED = Resident.Recording.RECORDED.value
_NOT_RECORDED = Resident.Recording.NOT_RECORDED.value
_WNI = Citizenship.WNI.value


class _Household:
    def __init__(self, rng: random.Random, today: int) -> None:
        self.rng = rng
        self.today = today

    def born(self, age: float) -> int:
        return self.today - int(age * _YEAR) - self.rng.randrange(365)

    def year(self, born: int) -> int:
        return dt.date.fromordinal(born).year

    def person(
        self, sex: str, born: int, rel: str, marital: str, *, father: str = "", mother: str = ""
    ) -> _P:
        rng = self.rng
        year = self.year(born)
        if not father:
            father = _name(rng, "L", year - 30)
        if not mother:
            mother = _name(rng, "P", year - 26)
        return _P(sex, born, _name(rng, sex, year), rel, marital, father, mother)

    def children(
        self,
        father: _P | None,
        mother: _P,
        *,
        rel: str = _REL.CHILD.value,
        max_age: float = 24,
        stay_older: float = 0.3,
    ) -> list[_P]:
        """Children still on the parents' KK: those born, under ~24, some older ones single."""
        rng = self.rng
        kids: list[_P] = []
        mother_age_days = self.today - mother.born
        at = (19 + rng.random() * 10) * _YEAR
        for _i in range(_BIRTHS.pick(rng)):
            if at > 44 * _YEAR:
                break
            age_days = mother_age_days - int(at)
            at += (1.5 + rng.random() * 5) * _YEAR
            if age_days < 20:
                break
            if age_days > max_age * _YEAR and (age_days > 34 * _YEAR or rng.random() > stay_older):
                continue
            sex = "L" if rng.random() < 0.51 else "P"
            born = self.today - age_days
            name = _name(rng, sex, self.year(born))
            # Some parents pass the father's last name on, as is common in towns.
            if father is not None and " " in father.name and rng.random() < 0.12:
                name = f"{name.split(' ')[0]} {father.name.rsplit(' ', 1)[1]}"
            kids.append(
                _P(
                    sex,
                    born,
                    name,
                    rel,
                    _SINGLE,
                    father.name if father is not None else _name(rng, "L", 1960),
                    mother.name,
                )
            )
        return kids

    def build(self) -> list[_P]:
        kind = _KIND.pick(self.rng)
        build = {
            "couple": self._couple,
            "couple_elder": self._couple_with_elder,
            "old_couple": self._old_couple,
            "widow": self._widow,
            "single_parent": self._single_parent,
        }.get(kind, self._single)
        return build()

    def _husband_and_wife(self, head_age: float, min_wife_age: float) -> tuple[_P, _P]:
        head = self.person("L", self.born(head_age), _REL.HEAD.value, _MARRIED)
        wife_age = max(min_wife_age, head_age - self.rng.gauss(4, 3))
        wife = self.person("P", self.born(wife_age), _REL.WIFE.value, _MARRIED)
        return head, wife

    def _couple(self) -> list[_P]:
        head, wife = self._husband_and_wife(self.rng.triangular(21, 68, 38), 18.0)
        return [head, wife, *self.children(head, wife)]

    def _couple_with_elder(self) -> list[_P]:
        rng = self.rng
        head, wife = self._husband_and_wife(rng.triangular(21, 68, 38), 18.0)
        members = [head, wife]
        # A widowed parent of the husband (orang tua) or of the wife (mertua).
        of_head = rng.random() < 0.55
        child = head if of_head else wife
        elder_age = (self.today - child.born) / _YEAR + 22 + rng.random() * 14
        if elder_age < 96:
            sex = "P" if rng.random() < 0.72 else "L"
            elder = self.person(
                sex,
                self.born(elder_age),
                _REL.PARENT.value if of_head else _REL.PARENT_IN_LAW.value,
                _WIDOWED,
            )
            if sex == "L":
                child.father = elder.name
            else:
                child.mother = elder.name
            members.append(elder)
        return [*members, *self.children(head, wife)]

    def _grandchild(self, min_age: float, max_age: float) -> _P:
        return self.person(
            "L" if self.rng.random() < 0.5 else "P",
            self.born(self.rng.uniform(min_age, max_age)),
            _REL.GRANDCHILD.value,
            _SINGLE,
        )

    def _old_couple(self) -> list[_P]:
        head, wife = self._husband_and_wife(self.rng.triangular(52, 88, 62), 45.0)
        members = [head, wife, *self.children(head, wife, max_age=30, stay_older=0.25)]
        if self.rng.random() < 0.15:
            members.append(self._grandchild(2, 16))
        return members

    def _widow(self) -> list[_P]:
        rng = self.rng
        sex = "P" if rng.random() < 0.78 else "L"
        head = self.person(
            sex,
            self.born(rng.triangular(55, 95, 70)),
            _REL.HEAD.value,
            _WIDOWED if rng.random() < 0.88 else _DIVORCED,
        )
        if rng.random() < 0.2:
            return [head, self._grandchild(4, 18)]
        return [head]

    def _single_parent(self) -> list[_P]:
        rng = self.rng
        head = self.person(
            "P" if rng.random() < 0.8 else "L",
            self.born(rng.triangular(25, 60, 38)),
            _REL.HEAD.value,
            _DIVORCED if rng.random() < 0.55 else _WIDOWED,
        )
        if head.sex == "P":
            return [head, *self.children(None, head)]
        # The father keeps the KK; the children's mother is named, not a member.
        stand_in = _P("P", head.born + int(2 * _YEAR), _name(rng, "P", 1980), "", "")
        return [head, *self.children(head, stand_in)]

    def _single(self) -> list[_P]:
        rng = self.rng
        head = self.person(
            "L" if rng.random() < 0.55 else "P",
            self.born(rng.triangular(19, 45, 24)),
            _REL.HEAD.value,
            _SINGLE if rng.random() < 0.85 else _DIVORCED,
        )
        return [head]


def _name_key(name: str) -> str:
    # As the duplicate check compares parents' names (population.invariants).
    return name.replace(" ", "").lower()


# --- The run ----------------------------------------------------------------------------
@dataclass
class _Village:
    id: int
    code: str
    kec_index: int
    kec_digits: str
    is_kelurahan: bool
    dukuh: list[str]


class _Numbers:
    """Hands out NIK and KK serials per 12-digit prefix, above everything already taken.

    NIK counters live in a flat array indexed by (kecamatan, YY, month, day, sex): about 670k
    two-byte slots (1.3 MB) instead of a dictionary of several hundred thousand strings.
    """

    def __init__(
        self, kec_digits: list[str], nik_floors: dict[str, int], kk_floors: dict[str, int]
    ) -> None:
        self.kec_digits = kec_digits
        self.kec_index = {d: i for i, d in enumerate(kec_digits)}
        self.nik = array("H", bytes(2 * len(kec_digits) * 100 * 12 * 31 * 2))
        for prefix, serial in nik_floors.items():
            slot = self._slot_of_prefix(prefix)
            if slot is not None:
                self.nik[slot] = max(self.nik[slot], min(serial, 9999))
        self.kk: dict[str, int] = dict(kk_floors)

    @staticmethod
    def _slot(kec: int, yy: int, month: int, day: int, female: bool) -> int:
        return ((((kec * 100 + yy) * 12 + month - 1) * 31 + day - 1) << 1) | female

    def _slot_of_prefix(self, prefix: str) -> int | None:
        kec = self.kec_index.get(prefix[:6])
        if kec is None or not prefix.isdigit():
            return None
        day, month, yy = int(prefix[6:8]), int(prefix[8:10]), int(prefix[10:12])
        female = day > 40
        day -= 40 if female else 0
        if not (1 <= day <= 31 and 1 <= month <= 12):
            return None
        return self._slot(kec, yy, month, day, female)

    def nik_serial(self, kec: int, born: dt.date, female: bool) -> int:
        slot = self._slot(kec, born.year % 100, born.month, born.day, female)
        serial = self.nik[slot] + 1
        if serial > 9999:
            return 0
        self.nik[slot] = serial
        return serial

    def nik_top(self, prefix: str) -> int:
        slot = self._slot_of_prefix(prefix)
        return self.nik[slot] if slot is not None else 0

    def kk_serial(self, prefix: str) -> int:
        serial = self.kk.get(prefix, 0) + 1
        if serial > 9999:
            return 0
        self.kk[prefix] = serial
        return serial


def _villages(regency: Region) -> tuple[list[_Village], list[str]]:
    """The regency's villages in code order, and the kecamatan codes their NIKs start with."""
    kecamatan = list(
        Region.objects.filter(parent=regency, level=Region.Level.KECAMATAN).order_by("code")
    )
    index = {k.id: i for i, k in enumerate(kecamatan)}
    digits = {k.id: k.digits for k in kecamatan}
    villages = []
    for v in Region.objects.filter(parent__in=kecamatan, level=Region.Level.VILLAGE).order_by(
        "code"
    ):
        rng = random.Random(f"dukuh:{v.code}")
        villages.append(
            _Village(
                v.id,
                v.code,
                index[v.parent_id],
                digits[v.parent_id],
                v.kind == Region.Kind.KELURAHAN,
                rng.sample(_DUKUH, 4),
            )
        )
    return villages, [k.digits for k in kecamatan]


def _quotas(total: int, villages: list[_Village], seed: int) -> list[int]:
    """Residents per village: kelurahan (town) denser than desa, split by largest remainder."""
    rng = random.Random(f"{seed}:villages")
    weights = [(1.3 + rng.random()) if v.is_kelurahan else (0.6 + rng.random()) for v in villages]
    scale = total / sum(weights)
    exact = [w * scale for w in weights]
    quotas = [int(x) for x in exact]
    short = total - sum(quotas)
    for i in sorted(range(len(exact)), key=lambda i: quotas[i] - exact[i])[:short]:
        quotas[i] += 1
    return quotas


def _require_regions(regency_code: str) -> Region:
    regency = Region.objects.filter(code=regency_code, level=Region.Level.REGENCY).first()
    if (
        regency is None
        or not Region.objects.filter(parent__parent=regency, level=Region.Level.VILLAGE).exists()
    ):
        raise PopulationError(
            _(
                "Wilayah %(code)s belum diimpor. Jalankan dulu: "
                "python manage.py import_regions %(code)s"
            )
            % {"code": regency_code}
        )
    return regency


def generate_population(
    residents: int,
    seed: int,
    *,
    reference_date: dt.date | None = None,
    append: bool = False,
    method: str = "auto",
    chunk_residents: int = 20000,
    progress: Callable[[int, int], None] | None = None,
) -> GenerationResult:
    """Adds `residents` synthetic residents, in families, spread over the regency's villages.

    Refuses a non-empty register unless `append` is true. Runs in one transaction: on any
    error nothing is kept. Memory stays bounded: rows are written every `chunk_residents`.
    `method` is "auto" (COPY on PostgreSQL, executemany on SQLite) or "orm" (bulk_create).
    """
    if residents < 1:
        raise PopulationError(_("Jumlah penduduk harus lebih dari nol."))
    started = time.perf_counter()
    today = reference_date or timezone.localdate()
    regency = _require_regions(settings.REGENCY_CODE)
    villages, kec_digits = _villages(regency)
    quotas = _quotas(residents, villages, seed)
    writer = bulk.BulkWriter(method)
    with transaction.atomic():
        writer.lock_tables()
        existing = Resident.objects.count()
        if not append and (existing or Family.objects.exists()):
            raise PopulationError(
                _(
                    "Register penduduk sudah berisi %(count)s penduduk. Pakai --append untuk "
                    "menambah penduduk sintetis ke register yang ada."
                )
                % {"count": existing}
            )
        regency_digits = regency.digits
        nik_floors = bulk.serial_floors(
            NumberSequence.Kind.NIK,
            numbers=bulk.register_serials(Resident, "nik", regency_digits) if append else {},
        )
        kk_floors = bulk.serial_floors(
            NumberSequence.Kind.KK,
            numbers=bulk.register_serials(Family, "kk_number", regency_digits) if append else {},
        )
        numbers = _Numbers(kec_digits, nik_floors, kk_floors)
        state = _RunState(
            writer, numbers, writer.next_ids(), today, progress, residents, chunk_residents
        )
        for village, quota in zip(villages, quotas, strict=True):
            if quota:
                state.fill_village(village, quota, random.Random(f"{seed}:{village.code}"))
        state.flush()
        writer.finish()
        bulk.raise_sequences(
            NumberSequence.Kind.NIK,
            {p: numbers.nik_top(p) for p in nik_floors if numbers.nik_top(p) > nik_floors[p]},
        )
        bulk.raise_sequences(
            NumberSequence.Kind.KK, {p: s for p, s in numbers.kk.items() if s > kk_floors.get(p, 0)}
        )
        result = GenerationResult(
            residents=state.resident_count,
            families=state.family_count,
            villages=sum(1 for q in quotas if q),
            seed=seed,
            reference_date=today,
            method=writer.method,
            seconds=round(time.perf_counter() - started, 2),
        )
        record(
            "register.population.generated",
            details={
                "residents": result.residents,
                "families": result.families,
                "villages": result.villages,
                "seed": seed,
                "append": append,
                "reference_date": today.isoformat(),
                "method": writer.method,
                "seconds": result.seconds,
            },
        )
    return result


class _RunState:
    """Buffers of rows waiting to be written, ids and counts for one generator run."""

    def __init__(
        self,
        writer: bulk.BulkWriter,
        numbers: _Numbers,
        ids: dict[Any, int],
        today: dt.date,
        progress: Callable[[int, int], None] | None,
        target: int,
        chunk: int,
    ) -> None:
        self.writer, self.numbers, self.today = writer, numbers, today
        self.today_ord = today.toordinal()
        self.progress, self.target = progress, target
        self.new = bulk.NewFamilies(ids, writer.now(), GENERATED_REASON)
        self.resident_count = 0
        self.family_count = 0
        self.chunk = chunk
        # (birth day, sex, mother's and father's names) of everyone generated: the register
        # check takes two such people with alike names for one person registered twice, and
        # small name pools make that likely over a regency, so the second is born a day later.
        self.parents_and_birthdays: set[int] = set()

    def flush(self) -> None:
        self.new.write(self.writer)
        if self.progress:
            self.progress(self.resident_count, self.target)

    def fill_village(self, village: _Village, quota: int, rng: random.Random) -> None:
        household = _Household(rng, self.today_ord)
        rws = 2 + rng.randrange(8)
        placed = 0
        while placed < quota:
            people = household.build()
            room = quota - placed
            if len(people) > room:
                # Fill the village exactly: drop the youngest first, so nobody is left as a
                # parent of a dropped child, and fall back to a one-person household.
                people = (
                    people[:room]
                    if room > 1
                    else [
                        household.person(
                            "P",
                            household.born(rng.triangular(55, 95, 70)),
                            _REL.HEAD.value,
                            _WIDOWED,
                        )
                    ]
                )
            self._add_family(village, people, rng, rws)
            placed += len(people)
            if len(self.new.residents) >= self.chunk:
                self.flush()

    def _add_family(
        self, village: _Village, people: list[_P], rng: random.Random, rws: int
    ) -> None:
        numbers, today = self.numbers, self.today
        rw = 1 + rng.randrange(rws)
        rt = 1 + rng.randrange(3 + rng.randrange(6))
        if village.is_kelurahan:
            street, lane = rng.choice(_STREETS), 1 + rng.randrange(12)
            address = f"{street} Gg. {lane} No. {rng.randrange(1, 90)}"
        else:
            address = f"Dk. {village.dukuh[(rw - 1) % len(village.dukuh)]}"
        rw_s, rt_s = f"{rw:03d}", f"{rt:03d}"
        religion = _RELIGION.pick(rng)
        members = []
        seen = self.parents_and_birthdays
        for p in people:
            parents = (p.sex, _name_key(p.mother), _name_key(p.father))
            while hash((p.born, *parents)) in seen:
                p.born += 1
            seen.add(hash((p.born, *parents)))
            born = dt.date.fromordinal(p.born)
            female = p.sex == "P"
            serial = numbers.nik_serial(village.kec_index, born, female)
            while not serial:
                # All 9,999 serials of this birth day are taken: register one day later,
                # as the birth date in the NIK and the register must agree.
                born += dt.timedelta(days=1)
                serial = numbers.nik_serial(village.kec_index, born, female)
            day = born.day + (40 if female else 0)
            nik = f"{village.kec_digits}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
            age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
            adult = age >= 17 or p.marital != _SINGLE
            education = _education(rng, age, born.year)
            recorded = adult and rng.random() < 0.98
            members.append(
                {
                    "nik": nik,
                    "full_name": p.name,
                    "sex": p.sex,
                    "birth_place": "Kudus"
                    if age < 20 and rng.random() < 0.93
                    else _BIRTH_PLACES.pick(rng),
                    "birth_date": born.isoformat(),
                    "religion": religion if rng.random() < 0.995 else _RELIGION.pick(rng),
                    "education": education,
                    "occupation": _occupation(rng, age, p.sex, education),
                    "marital_status": p.marital,
                    "citizenship": _WNI,
                    "father_name": p.father,
                    "mother_name": p.mother,
                    "village_id": village.id,
                    "address": address,
                    "rt": rt_s,
                    "rw": rw_s,
                    "relationship": p.rel,
                    "life_status": _ALIVE,
                    "death_date": None,
                    "ektp_recording": _RECORDED if recorded else _NOT_RECORDED,
                    "ektp_printed": recorded and rng.random() < 0.97,
                }
            )
        youngest = max(p.born for p in people)
        # Issued after the youngest member was born (the KK lists them), within 12 years.
        earliest = min(max(youngest + 7, self.today_ord - 12 * 366), self.today_ord - 1)
        issued = dt.date.fromordinal(rng.randint(earliest, self.today_ord - 1))
        serial = 0
        while not serial:
            prefix = f"{village.kec_digits}{issued:%d%m%y}"
            serial = numbers.kk_serial(prefix)
            issued -= dt.timedelta(days=1)
        self.new.add(f"{prefix}{serial:04d}", members, village.code)
        self.family_count += 1
        self.resident_count += len(members)
