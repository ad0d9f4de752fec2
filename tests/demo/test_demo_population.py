import datetime as dt

import pytest
from django.core.management import call_command

from paksemmok.demo import population as demo
from paksemmok.population.identifiers import check_nik
from paksemmok.population.models import Family, Resident


def snapshot_of_register():
    return (
        Resident.objects.count(),
        Family.objects.count(),
        sorted(Resident.objects.values_list("nik", flat=True)),
    )


@pytest.mark.django_db
def test_setup_demo_loads_the_population_once(kudus):
    call_command("setup_demo")
    first = snapshot_of_register()
    call_command("setup_demo")
    assert snapshot_of_register() == first
    named = sum(len(f[4]) for f in demo.NAMED_FAMILIES)
    assert first[0] == demo.DEMO_GENERATED_RESIDENTS + named


@pytest.mark.django_db
def test_named_residents_have_the_documented_numbers_and_situations(kudus):
    today = dt.date(2026, 11, 27)
    demo.load()
    santoso = Family.objects.get(kk_number=demo.DEMO_SANTOSO_KK)
    assert santoso.head.nik == demo.DEMO_SANTOSO_HEAD_NIK
    assert santoso.head.full_name == "Budi Santoso"
    assert sorted(santoso.members.values_list("full_name", flat=True)) == [
        "Budi Santoso",
        "Rafi Santoso",
        "Siti Rahayu",
    ]
    # The newborn is not on the KK yet: nobody in the register is that young.
    assert (
        not Resident.objects.filter(birth_date__gte=demo.newborn_birth_date(today))
        .filter(family=santoso)
        .exists()
    )
    assert santoso.versions.get().snapshot["head_nik"] == demo.DEMO_SANTOSO_HEAD_NIK

    rina = Resident.objects.get(nik=demo.DEMO_UNRECORDED_NIK)
    assert rina.age_on(today) == 19
    assert rina.ektp_recording == Resident.Recording.NOT_RECORDED

    sutrisno = Resident.objects.get(nik=demo.DEMO_DECEASED_NIK)
    assert sutrisno.life_status == Resident.LifeStatus.ALIVE and sutrisno.death_date is None
    assert sutrisno.family.kk_number == demo.DEMO_SUTRISNO_KK
    assert demo.death_date(today) == dt.date(2026, 11, 15)

    for nik, *_rest in (m for f in demo.NAMED_FAMILIES for m in f[4]):
        r = Resident.objects.get(nik=nik)
        check = check_nik(nik, birth_date=r.birth_date, sex=r.sex, reference_date=today)
        assert check.valid and check.warnings == [], nik
        assert r.village.code == demo.DEMO_VILLAGE_CODE


@pytest.mark.django_db
def test_named_residents_can_be_made_after_a_generated_register(kudus):
    from paksemmok.demo.population_generator import generate_population

    generate_population(3000, demo.DEMO_SEED, reference_date=demo.DEMO_REFERENCE_DATE)
    made = demo.create_named_residents()
    assert len(made) == sum(len(f[4]) for f in demo.NAMED_FAMILIES)
