import datetime as dt
import threading

import pytest
from django.db import connection

from paksemmok.audit.models import AuditEntry
from paksemmok.population.identifiers import check_nik
from paksemmok.population.models import FamilyVersion, Region, Relationship
from paksemmok.population.services import (
    RegisterError,
    generate_kk_number,
    generate_nik,
    record_family_version,
)
from tests.factories import FamilyFactory, ResidentFactory


@pytest.fixture
def kaliwungu(kudus):
    return Region.objects.get(code="33.19.01")


@pytest.mark.django_db
def test_newborn_nik_encodes_kecamatan_birth_date_and_sex(kaliwungu):
    girl = generate_nik(kaliwungu, dt.date(2026, 11, 20), "P")
    boy = generate_nik(kaliwungu, dt.date(2026, 11, 20), "L")
    assert girl == "3319016011260001"
    assert boy == "3319012011260001"
    assert (
        check_nik(
            girl, birth_date=dt.date(2026, 11, 20), sex="P", reference_date=dt.date(2026, 11, 27)
        ).warnings
        == []
    )


@pytest.mark.django_db
def test_serials_continue_after_existing_residents(kaliwungu):
    ResidentFactory(
        nik="3319012011260007",
        birth_date=dt.date(2026, 11, 20),
        family__village=Region.objects.get(code="33.19.01.2001"),
    )
    assert generate_nik(kaliwungu, dt.date(2026, 11, 20), "L") == "3319012011260008"
    assert generate_nik(kaliwungu, dt.date(2026, 11, 20), "L") == "3319012011260009"


@pytest.mark.django_db
def test_a_number_typed_in_after_the_sequence_started_is_never_reissued(kaliwungu):
    born = dt.date(2026, 11, 20)
    assert generate_nik(kaliwungu, born, "L") == "3319012011260001"
    # Staff enter a resident by hand with a higher serial under the same prefix.
    ResidentFactory(
        nik="3319012011260005",
        birth_date=born,
        family__village=Region.objects.get(code="33.19.01.2001"),
    )
    assert generate_nik(kaliwungu, born, "L") == "3319012011260006"


@pytest.mark.django_db
def test_numbers_need_a_kecamatan(kudus):
    with pytest.raises(RegisterError):
        generate_nik(Region.objects.get(code="33.19.01.2001"), dt.date(2020, 1, 1), "L")
    with pytest.raises(RegisterError):
        generate_kk_number(kudus)


@pytest.mark.django_db
def test_serials_are_exhausted_cleanly(kaliwungu):
    from paksemmok.population.models import NumberSequence

    NumberSequence.objects.create(kind="nik", prefix="331901201126", last_serial=9999)
    with pytest.raises(RegisterError, match="habis"):
        generate_nik(kaliwungu, dt.date(2026, 11, 20), "L")


@pytest.mark.django_db
def test_kk_number_uses_issue_date(kaliwungu):
    assert generate_kk_number(kaliwungu, dt.date(2026, 11, 27)) == "3319012711260001"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_nik_generation_never_repeats(kudus):
    kecamatan = Region.objects.get(code="33.19.03")
    results: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker():
        try:
            barrier.wait()
            for _ in range(10):
                results.append(generate_nik(kecamatan, dt.date(2026, 1, 1), "P"))
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 80
    assert sorted(results) == [f"331903410126{n:04d}" for n in range(1, 81)]


@pytest.mark.django_db
def test_each_family_change_adds_a_version_and_keeps_the_old(kudus):
    family = FamilyFactory()
    head = ResidentFactory(family=family, relationship=Relationship.HEAD, full_name="Slamet")
    family.head = head
    family.save()
    v1 = record_family_version(family, reason="created")
    child = ResidentFactory(
        family=family,
        relationship=Relationship.CHILD,
        full_name="Ani",
        birth_date=dt.date(2026, 11, 1),
        sex="P",
    )
    v2 = record_family_version(family, reason="birth", details={"nik": child.masked_nik})

    family.refresh_from_db()
    assert family.current_version == 2
    assert [v.version for v in FamilyVersion.objects.filter(family=family)] == [2, 1]
    v1.refresh_from_db()
    assert [m["full_name"] for m in v1.snapshot["members"]] == ["Slamet"]
    assert [m["full_name"] for m in v2.snapshot["members"]] == ["Slamet", "Ani"]
    assert v2.snapshot["head_nik"] == head.nik
    actions = list(
        AuditEntry.objects.filter(object_id=str(family.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["register.family.created", "register.family.changed"]


@pytest.mark.django_db
def test_database_refuses_duplicate_nik_and_kk(kudus):
    from django.db import IntegrityError, transaction

    resident = ResidentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ResidentFactory(nik=resident.nik, family=resident.family)
    with pytest.raises(IntegrityError), transaction.atomic():
        FamilyFactory(kk_number=resident.family.kk_number)


@pytest.mark.django_db
def test_database_refuses_two_heads(kudus):
    from django.db import IntegrityError, transaction

    family = FamilyFactory()
    ResidentFactory(family=family, relationship=Relationship.HEAD)
    with pytest.raises(IntegrityError), transaction.atomic():
        ResidentFactory(family=family, relationship=Relationship.HEAD)
