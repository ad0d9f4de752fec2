"""The register invariants (population.invariants) and `manage.py check_register`.

A small, correct register passes every rule; each test then breaks it the way a path around
the services would (a queryset update, an admin save without a version) and expects exactly
the rule that names that breakage.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from paksemmok.population.invariants import RULES, check_register, similar_names
from paksemmok.population.models import (
    Family,
    FamilyVersion,
    MaritalStatus,
    Relationship,
    Resident,
    Sex,
)
from paksemmok.population.services import record_family_version
from tests.factories import FamilyFactory, ResidentFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 27)


class Household:
    """Agus (head) and Rina (wife), married, with their son Dimas; KK version 1."""

    def __init__(self) -> None:
        self.kk = FamilyFactory()
        self.agus = ResidentFactory(
            family=self.kk,
            full_name="Agus Santoso",
            relationship=Relationship.HEAD,
            birth_date=dt.date(1985, 3, 1),
            marital_status=MaritalStatus.MARRIED,
        )
        self.rina = ResidentFactory(
            family=self.kk,
            full_name="Rina Wati",
            sex=Sex.FEMALE,
            relationship=Relationship.WIFE,
            birth_date=dt.date(1988, 7, 9),
            marital_status=MaritalStatus.MARRIED,
        )
        self.dimas = ResidentFactory(
            family=self.kk,
            full_name="Dimas Santoso",
            birth_date=dt.date(2012, 1, 5),
            father_name="Agus Santoso",
            mother_name="Rina Wati",
        )
        self.kk.head = self.agus
        self.kk.save()
        record_family_version(self.kk, reason="uji")


@pytest.fixture
def home(kudus) -> Household:
    return Household()


def rules_broken(**kwargs) -> dict[str, list[str]]:
    report = check_register(today=TODAY, **kwargs)
    broken: dict[str, list[str]] = {}
    for v in report.violations:
        broken.setdefault(v.rule, []).append(str(v))
    return broken


def test_a_correct_register_passes_every_rule(home):
    report = check_register(today=TODAY)
    assert report.ok, report.violations
    assert set(report.seconds) == set(RULES)
    assert report.residents == 3 and report.families == 1


def test_a_living_resident_without_a_kk(home):
    loner = ResidentFactory(family=None, relationship="")
    broken = rules_broken()
    assert list(broken) == ["on_one_kk"]
    assert f"penduduk #{loner.pk}" in broken["on_one_kk"][0]


def test_a_member_of_a_closed_kk(home):
    Family.objects.filter(pk=home.kk.pk).update(is_active=False)
    broken = rules_broken()
    assert len(broken["on_one_kk"]) == 3


def test_a_kk_whose_head_died_without_a_new_head(home):
    Resident.objects.filter(pk=home.agus.pk).update(
        life_status=Resident.LifeStatus.DECEASED, death_date=TODAY
    )
    broken = rules_broken(rules=["one_head"])
    assert "Kepala keluarga KK sudah tidak hidup" in broken["one_head"][0]


def test_a_nik_with_a_kecamatan_that_does_not_exist(home):
    Resident.objects.filter(pk=home.dimas.pk).update(nik="3319101503900001")
    broken = rules_broken(rules=["valid_numbers"])
    assert len(broken["valid_numbers"]) == 1
    assert "33.19.10" in broken["valid_numbers"][0]
    assert f"penduduk #{home.dimas.pk}" in broken["valid_numbers"][0]


def test_a_nik_born_in_the_future_and_a_bad_kk_number(home):
    Resident.objects.filter(pk=home.dimas.pk).update(nik="3319021512260001")
    Family.objects.filter(pk=home.kk.pk).update(kk_number="3319990101240001")
    broken = rules_broken(rules=["valid_numbers"])
    assert any("masa depan" in v for v in broken["valid_numbers"])
    assert any("Nomor KK tidak valid" in v and "33.19.99" in v for v in broken["valid_numbers"])


def test_a_centenarians_nik_is_valid(home):
    # 15 December 26: a date ahead this year, but the register says 1926.
    Resident.objects.filter(pk=home.agus.pk).update(
        nik="3319021512260001", birth_date=dt.date(1926, 12, 15)
    )
    assert "valid_numbers" not in rules_broken(rules=["valid_numbers"])


def test_a_member_changed_without_a_new_kk_version(home):
    Resident.objects.filter(pk=home.dimas.pk).update(full_name="Dimas Saputra")
    broken = rules_broken()
    assert list(broken) == ["kk_version"]
    assert "Data anggota berubah tanpa versi KK baru" in broken["kk_version"][0]
    # The service records the version, and the register is whole again.
    record_family_version(home.kk, reason="perubahan data")
    assert check_register(today=TODAY).ok


def test_a_member_added_or_moved_without_a_version(home):
    other = FamilyFactory()
    Resident.objects.filter(pk=home.dimas.pk).update(family=other)
    messages = rules_broken(rules=["kk_version"])["kk_version"]
    # Missing from the new KK's version (it has none), listed on the old KK's.
    assert any("Riwayat versi KK tidak lengkap" in m for m in messages)
    assert any("bukan (lagi) anggotanya" in m for m in messages)


def test_an_address_change_without_a_version(home):
    Family.objects.filter(pk=home.kk.pk).update(address="Jl. Baru 1")
    assert "tanpa versi KK baru" in rules_broken(rules=["kk_version"])["kk_version"][0]


def test_a_gap_in_the_version_history(home):
    Family.objects.filter(pk=home.kk.pk).update(current_version=2)
    messages = rules_broken(rules=["kk_version"])["kk_version"]
    assert any("versi sekarang 2, tersimpan 1 versi" in m for m in messages)


def leave_at_death(person: Resident) -> None:
    # What the death effect does to the deceased: out of the KK, no relationship.
    Resident.objects.filter(pk=person.pk).update(
        life_status=Resident.LifeStatus.DECEASED, death_date=TODAY, family=None, relationship=""
    )


def test_a_widow_left_kawin_after_her_husband_died(home):
    leave_at_death(home.agus)
    Resident.objects.filter(pk=home.rina.pk).update(relationship=Relationship.HEAD)
    Family.objects.filter(pk=home.kk.pk).update(head=home.rina)
    record_family_version(home.kk, reason="kematian")
    broken = rules_broken()
    assert list(broken) == ["widowed"]
    assert f"penduduk #{home.rina.pk}" in broken["widowed"][0]
    assert f"penduduk #{home.agus.pk}" in broken["widowed"][0]
    # Cerai mati, as the law has it: recorded with a version, and the register is whole.
    Resident.objects.filter(pk=home.rina.pk).update(marital_status=MaritalStatus.WIDOWED)
    record_family_version(home.kk, reason="perubahan data")
    assert check_register(today=TODAY).ok


def test_a_widow_who_married_again_on_the_same_kk_is_fine(home):
    leave_at_death(home.agus)
    Resident.objects.filter(pk=home.rina.pk).update(relationship=Relationship.HEAD)
    Family.objects.filter(pk=home.kk.pk).update(head=home.rina)
    ResidentFactory(
        family=home.kk,
        full_name="Bambang",
        relationship=Relationship.HUSBAND,
        marital_status=MaritalStatus.MARRIED,
    )
    record_family_version(home.kk, reason="perubahan data")
    assert check_register(today=TODAY).ok


def test_a_deceased_husband_still_linked_to_the_kk(home):
    # As an import can load it: the deceased keeps his row on the KK.
    Resident.objects.filter(pk=home.rina.pk).update(relationship=Relationship.WIFE)
    Resident.objects.filter(pk=home.agus.pk).update(
        life_status=Resident.LifeStatus.DECEASED, death_date=TODAY, relationship=Relationship.WIFE
    )
    assert "widowed" in rules_broken(rules=["widowed"])


def test_a_child_born_before_a_parent(home):
    Resident.objects.filter(pk=home.dimas.pk).update(birth_date=dt.date(1980, 1, 1))
    record_family_version(home.kk, reason="perubahan data")
    broken = rules_broken()
    assert list(broken) == ["born_after_parents"]
    # Both parents, each named: born before Agus and Rina.
    assert len(broken["born_after_parents"]) == 2


def test_a_namesake_on_the_kk_is_not_taken_for_a_parent(home):
    ResidentFactory(
        family=home.kk,
        full_name="Rina Wati",
        sex=Sex.FEMALE,
        relationship=Relationship.OTHER,
        birth_date=dt.date(2015, 1, 1),
    )
    record_family_version(home.kk, reason="perubahan data")
    assert check_register(today=TODAY).ok


def test_the_same_child_registered_twice(home):
    twice = ResidentFactory(
        family=home.kk,
        full_name="DIMAS  SANTOSSO",
        birth_date=home.dimas.birth_date,
        father_name="Agus Santoso",
        mother_name="Rina Wati",
    )
    record_family_version(home.kk, reason="kelahiran")
    broken = rules_broken()
    assert list(broken) == ["duplicates"]
    assert f"penduduk #{twice.pk}" in broken["duplicates"][0]


def test_twins_and_namesakes_are_not_duplicates(home):
    # Twins: same day, same parents, different names (or the other sex).
    ResidentFactory(
        family=home.kk,
        full_name="Dinda Santoso",
        birth_date=home.dimas.birth_date,
        father_name="Agus Santoso",
        mother_name="Rina Wati",
    )
    ResidentFactory(
        family=home.kk,
        full_name="Dimas Santosa",
        sex=Sex.FEMALE,
        birth_date=home.dimas.birth_date,
        father_name="Agus Santoso",
        mother_name="Rina Wati",
    )
    record_family_version(home.kk, reason="kelahiran")
    # A namesake elsewhere, same birthday, other parents.
    other = FamilyFactory()
    ResidentFactory(
        family=other,
        full_name="Dimas Santoso",
        relationship=Relationship.HEAD,
        birth_date=home.dimas.birth_date,
        father_name="Paijo",
        mother_name="Sumarni",
    )
    other.head = Resident.objects.get(family=other)
    other.save()
    record_family_version(other, reason="uji")
    assert check_register(today=TODAY).ok


def test_the_same_mother_on_another_kk_without_a_father_named(home):
    other = FamilyFactory()
    person = ResidentFactory(
        family=other,
        full_name="Dimas Santoso",
        relationship=Relationship.HEAD,
        birth_date=home.dimas.birth_date,
        mother_name="rina wati",
    )
    other.head = person
    other.save()
    record_family_version(other, reason="uji")
    assert list(rules_broken()) == ["duplicates"]


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("Muhammad Rizki", "Muhamad Rizki", True),
        ("Nur Hayati", "Nurhayati", True),
        ("Mohammad  Hassan", "Muhammad Hasan", True),
        ("Muhammad Hasan", "Muhammad Husain", False),
        ("Dimas", "", False),
    ],
)
def test_name_comparison(a, b, similar):
    assert similar_names(a, b) is similar


def test_versions_are_compared_with_the_newest_only(home):
    # An old version listing a former member is history, not a violation.
    assert FamilyVersion.objects.filter(family=home.kk).count() == 1
    Resident.objects.filter(pk=home.dimas.pk).update(family=None, relationship="")
    Resident.objects.filter(pk=home.dimas.pk).update(life_status=Resident.LifeStatus.MOVED)
    record_family_version(home.kk, reason="pindah")
    assert check_register(today=TODAY).ok


# --- the command -----------------------------------------------------------------------


def test_command_prints_each_violation_with_its_records_and_fails(home, capsys):
    Resident.objects.filter(pk=home.dimas.pk).update(nik="3319101503900001")
    record_family_version(home.kk, reason="perubahan data")
    with pytest.raises(CommandError, match="1 pelanggaran"):
        call_command("check_register")
    out = capsys.readouterr().out
    assert "GAGAL valid_numbers" in out
    assert "33.19.10" in out
    assert f"penduduk #{home.dimas.pk} Dimas Santoso (3319 **** **** 0001)" in out
    assert "OK    one_head" in out


def test_command_passes_a_correct_register(home, capsys):
    call_command("check_register")
    assert "0 pelanggaran." in capsys.readouterr().out


def test_demo_data_and_generated_register_pass(kudus, settings):
    settings.DEBUG = True  # setup_demo runs only in development
    call_command("setup_demo")
    report = check_register()
    assert report.ok, "\n".join(str(v) for v in report.violations[:20])
    assert report.residents > 2000
