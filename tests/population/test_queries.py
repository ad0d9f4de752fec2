import datetime as dt

import pytest

from paksemmok.population.models import Resident
from paksemmok.population.queries import resident_with_family
from tests.factories import FamilyFactory, ResidentFactory


@pytest.fixture
def family(kudus):
    family = FamilyFactory()
    head = ResidentFactory(
        family=family,
        relationship="kepala",
        full_name="Slamet",
        birth_date=dt.date(1970, 1, 2),
        marital_status="kawin",
    )
    ResidentFactory(
        family=family, relationship="anak", full_name="Dimas", birth_date=dt.date(2004, 3, 4)
    )
    ResidentFactory(
        family=family,
        relationship="istri",
        full_name="Sri",
        sex="P",
        birth_date=dt.date(1973, 5, 6),
        marital_status="kawin",
    )
    ResidentFactory(
        family=family, relationship="anak", full_name="Ayu", sex="P", birth_date=dt.date(2001, 7, 8)
    )
    ResidentFactory(
        family=family,
        relationship="orang_tua",
        full_name="Painem",
        sex="P",
        birth_date=dt.date(1940, 1, 1),
        life_status=Resident.LifeStatus.DECEASED,
        death_date=dt.date(2026, 1, 1),
    )
    family.head = head
    family.save()
    return family


@pytest.mark.django_db
def test_resident_comes_with_village_kk_and_living_members_in_kk_order(
    family, django_assert_num_queries
):
    dimas = family.members.get(full_name="Dimas")
    with django_assert_num_queries(1):
        found = resident_with_family(dimas.nik)
        names = [m.full_name for m in found.kk_members]
        shown = (found.village.code, found.family.kk_number)
    assert found == dimas
    # The head comes first among the members (KK order), not as a joined row of its own.
    assert names == ["Slamet", "Sri", "Ayu", "Dimas"]
    assert shown == ("33.19.02.1001", family.kk_number)


@pytest.mark.django_db
def test_printed_separators_are_ignored_and_unknown_nik_is_none(family):
    nik = family.head.nik
    assert resident_with_family(f"{nik[:4]} {nik[4:8]}.{nik[8:12]}-{nik[12:]}") == family.head
    assert resident_with_family("3319010101900999") is None


@pytest.mark.django_db
def test_resident_without_kk_has_no_members(kudus, django_assert_num_queries):
    loner = ResidentFactory(family=None, relationship="")
    with django_assert_num_queries(1):
        found = resident_with_family(loner.nik)
    assert found == loner and found.kk_members == []


@pytest.mark.django_db
def test_a_deceased_resident_is_found_with_the_living_members_only(family):
    painem = family.members.get(full_name="Painem")
    ResidentFactory(family=FamilyFactory(), relationship="kepala", full_name="Tetangga")
    found = resident_with_family(painem.nik)
    assert found == painem and found.life_status == Resident.LifeStatus.DECEASED
    assert [m.full_name for m in found.kk_members] == ["Slamet", "Sri", "Ayu", "Dimas"]


@pytest.mark.django_db
def test_members_of_other_families_never_come_along(family):
    other = FamilyFactory()
    ResidentFactory(family=other, relationship="kepala", full_name="Tetangga")
    found = resident_with_family(family.head.nik)
    assert {m.family_id for m in found.kk_members} == {family.pk}
    assert "Tetangga" not in [m.full_name for m in found.kk_members]
