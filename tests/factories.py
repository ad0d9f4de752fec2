"""Factories for register records. Numbers come from the real generators, so they are valid."""

from __future__ import annotations

import datetime as dt

import factory

from paksemmok.population.models import (
    Education,
    Family,
    MaritalStatus,
    Region,
    Relationship,
    Religion,
    Resident,
    Sex,
)
from paksemmok.population.services import generate_kk_number, generate_nik


def village(code: str = "33.19.02.1001") -> Region:
    """A Kudus village (Purwosari, Kota Kudus by default); needs the `kudus` fixture."""
    return Region.objects.get(code=code)


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family

    village = factory.LazyFunction(village)
    kk_number = factory.LazyAttribute(lambda o: generate_kk_number(o.village.parent))
    address = factory.Sequence(lambda n: f"Jl. Sunan Kudus No. {n + 1}")
    rt = "001"
    rw = "002"


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    full_name = factory.Sequence(lambda n: f"Warga Uji {n}")
    sex = Sex.MALE
    birth_place = "Kudus"
    birth_date = dt.date(1990, 5, 17)
    religion = Religion.ISLAM
    education = Education.SLTA
    occupation = "Karyawan swasta"
    marital_status = MaritalStatus.SINGLE
    family = factory.SubFactory(FamilyFactory)
    relationship = Relationship.CHILD
    village = factory.LazyAttribute(lambda o: o.family.village if o.family else village())
    address = factory.LazyAttribute(lambda o: o.family.address if o.family else "Jl. Uji")
    rt = "001"
    rw = "002"
    ektp_recording = Resident.Recording.RECORDED
    nik = factory.LazyAttribute(lambda o: generate_nik(o.village.parent, o.birth_date, o.sex))
