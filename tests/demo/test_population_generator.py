import datetime as dt
from collections import Counter, defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from paksemmok.audit.models import AuditEntry
from paksemmok.demo.population_generator import PopulationError, generate_population
from paksemmok.population.identifiers import check_kk_number, check_nik
from paksemmok.population.models import (
    Family,
    FamilyVersion,
    NumberSequence,
    Region,
    Resident,
)
from paksemmok.population.services import family_snapshot, generate_kk_number, generate_nik

REF = dt.date(2026, 11, 27)
SIZE = 3000


def age(born: dt.date) -> int:
    return REF.year - born.year - ((REF.month, REF.day) < (born.month, born.day))


def people() -> list[tuple]:
    return list(
        Resident.objects.order_by("nik").values_list(
            "nik", "full_name", "birth_date", "sex", "family__kk_number", "father_name"
        )
    )


def generate_and_discard(residents: int, seed: int, **kwargs) -> list[tuple]:
    """Runs the generator inside a savepoint that is rolled back; returns who it made."""
    with transaction.atomic():
        generate_population(residents, seed, reference_date=REF, **kwargs)
        made = people()
        transaction.set_rollback(True)
    return made


@pytest.fixture
def generated(kudus):
    return generate_population(SIZE, 11, reference_date=REF)


@pytest.fixture
def residents(generated):
    return list(Resident.objects.select_related("village__parent", "family"))


@pytest.mark.django_db
def test_exact_count_over_every_village(generated, residents):
    assert generated.residents == len(residents) == SIZE
    assert Family.objects.count() == generated.families
    villages = Region.objects.filter(level=Region.Level.VILLAGE)
    assert villages.count() == 132
    assert {r.village_id for r in residents} == set(villages.values_list("id", flat=True))


@pytest.mark.django_db
def test_niks_are_unique_valid_and_encode_kecamatan_birth_date_and_sex(residents):
    assert len({r.nik for r in residents}) == len(residents)
    for r in residents:
        check = check_nik(r.nik, birth_date=r.birth_date, sex=r.sex, reference_date=REF)
        assert check.valid, (r.nik, check.errors)
        assert check.warnings == [], (r.nik, r.birth_date, r.sex)
        assert r.nik[:6] == r.village.parent.digits


@pytest.mark.django_db
def test_kk_numbers_encode_kecamatan_and_an_issue_date_after_every_member_was_born(generated):
    families = Family.objects.select_related("village__parent").prefetch_related("members")
    for family in families:
        assert check_kk_number(family.kk_number, regency_code="33.19").warnings == []
        assert family.kk_number[:6] == family.village.parent.digits
        issued = dt.datetime.strptime(family.kk_number[6:12], "%d%m%y").date()
        assert max(m.birth_date for m in family.members.all()) <= issued < REF


@pytest.mark.django_db
def test_families_are_coherent(generated):
    families = Family.objects.prefetch_related("members").select_related("head")
    for family in families:
        members = list(family.members.all())
        by_role = defaultdict(list)
        for m in members:
            by_role[m.relationship].append(m)
            assert (m.village_id, m.address, m.rt, m.rw) == (
                family.village_id,
                family.address,
                family.rt,
                family.rw,
            )
        assert len(by_role["kepala"]) == 1
        head = by_role["kepala"][0]
        assert family.head == head and family.current_version == 1
        for wife in by_role["istri"]:
            assert wife.sex == "P" and wife.marital_status == "kawin"
            assert head.sex == "L" and head.marital_status == "kawin"
        mother = by_role["istri"][0] if by_role["istri"] else (head if head.sex == "P" else None)
        for child in by_role["anak"]:
            assert child.marital_status == "belum_kawin"
            assert child.birth_date > head.birth_date + dt.timedelta(days=15 * 365)
            if head.sex == "L":
                assert child.father_name == head.full_name
            if mother is not None:
                assert child.mother_name == mother.full_name
                assert child.birth_date > mother.birth_date + dt.timedelta(days=15 * 365)
        for elder in by_role["orang_tua"] + by_role["mertua"]:
            assert elder.marital_status == "cerai_mati"
            younger = head if elder.relationship == "orang_tua" else by_role["istri"][0]
            assert elder.birth_date < younger.birth_date - dt.timedelta(days=15 * 365)
            parent_name = younger.father_name if elder.sex == "L" else younger.mother_name
            assert parent_name == elder.full_name


@pytest.mark.django_db
def test_about_98_percent_of_adults_are_recorded_and_no_child(residents):
    adults = [r for r in residents if age(r.birth_date) >= 17 or r.marital_status != "belum_kawin"]
    minors = [r for r in residents if r not in adults]
    recorded = sum(r.ektp_recording == "sudah_rekam" for r in adults) / len(adults)
    # ~2,000 adults: the binomial standard deviation is 0.3 points; 1.5 points is 5 of them.
    assert 0.965 <= recorded <= 0.995
    assert not [r for r in minors if r.ektp_recording == "sudah_rekam" or r.ektp_printed]
    assert not [r for r in adults if r.ektp_printed and r.ektp_recording != "sudah_rekam"]


@pytest.mark.django_db
def test_population_looks_like_central_java(residents):
    ages = [age(r.birth_date) for r in residents]
    n = len(ages)
    assert 0.18 < sum(a < 15 for a in ages) / n < 0.32
    assert 0.04 < sum(a >= 65 for a in ages) / n < 0.13
    religions = Counter(r.religion for r in residents)
    assert 0.93 < religions["islam"] / n < 0.995
    assert len(religions) >= 3
    assert 0.45 < sum(r.sex == "P" for r in residents) / n < 0.55
    for r in residents:
        if age(r.birth_date) < 13:
            assert r.education in {"tidak_sekolah", "belum_tamat_sd"}
            assert r.occupation in {"Belum/tidak bekerja", "Pelajar/mahasiswa"}
        if age(r.birth_date) < 22:
            assert r.education not in {"d3", "d4_s1", "s2", "s3"}


@pytest.mark.django_db
def test_version_one_holds_what_family_snapshot_would_produce(generated):
    versions = FamilyVersion.objects.select_related("family__village", "family__head")
    assert versions.count() == generated.families
    for version in versions.order_by("?")[:150]:
        assert version.version == 1
        assert version.kk_number == version.family.kk_number
        assert version.snapshot == family_snapshot(version.family)


@pytest.mark.django_db
def test_same_seed_same_people_other_seed_other_people(kudus):
    first = generate_and_discard(500, 5)
    assert Resident.objects.count() == 0
    again = generate_and_discard(500, 5)
    other = generate_and_discard(500, 6)
    assert first == again
    assert len(first) == 500
    assert {p[1] for p in first} != {p[1] for p in other}
    assert [p[0] for p in first] != [p[0] for p in other]


@pytest.mark.django_db
def test_bulk_create_path_writes_the_same_rows(kudus):
    fast = generate_and_discard(400, 9)
    orm = generate_and_discard(400, 9, method="orm")
    assert fast == orm


@pytest.mark.django_db
def test_later_numbers_never_collide_with_generated_ones(generated):
    prefix, _count = Counter(
        nik[:12] for nik in Resident.objects.values_list("nik", flat=True)
    ).most_common(1)[0]
    sample = Resident.objects.filter(nik__startswith=prefix).select_related("village__parent")[0]
    new = generate_nik(sample.village.parent, sample.birth_date, sample.sex)
    assert new[:12] == prefix
    assert (
        int(new[12:])
        == max(
            int(n[12:])
            for n in Resident.objects.filter(nik__startswith=prefix).values_list("nik", flat=True)
        )
        + 1
    )
    assert not Resident.objects.filter(nik=new).exists()
    family = Family.objects.select_related("village__parent").first()
    issued = dt.datetime.strptime(family.kk_number[6:12], "%d%m%y").date()
    kk = generate_kk_number(family.village.parent, issued)
    assert kk[:12] == family.kk_number[:12]
    assert not Family.objects.filter(kk_number=kk).exists()


@pytest.mark.django_db
def test_existing_sequences_are_raised_past_generated_numbers(kudus):
    # next_serial trusts an existing sequence row over the register, so the generator has to
    # start above it and move it past what it wrote.
    made = generate_and_discard(600, 21)
    nik, _name, born, sex, kk, _father = made[0]
    NumberSequence.objects.create(kind="nik", prefix=nik[:12], last_serial=3)
    NumberSequence.objects.create(kind="kk", prefix=kk[:12], last_serial=2)
    generate_population(600, 21, reference_date=REF)
    niks = list(Resident.objects.filter(nik__startswith=nik[:12]).values_list("nik", flat=True))
    assert min(int(n[12:]) for n in niks) == 4
    top = max(int(n[12:]) for n in niks)
    assert NumberSequence.objects.get(kind="nik", prefix=nik[:12]).last_serial == top
    kecamatan = Region.objects.get(code=f"{nik[:2]}.{nik[2:4]}.{nik[4:6]}")
    assert generate_nik(kecamatan, born, sex) == f"{nik[:12]}{top + 1:04d}"
    kks = Family.objects.filter(kk_number__startswith=kk[:12]).values_list("kk_number", flat=True)
    assert min(int(k[12:]) for k in kks) == 3
    issued = dt.datetime.strptime(kk[6:12], "%d%m%y").date()
    top_kk = max(int(k[12:]) for k in kks)
    assert generate_kk_number(kecamatan, issued) == f"{kk[:12]}{top_kk + 1:04d}"


@pytest.mark.django_db
def test_refuses_a_filled_register_unless_appending(generated):
    with pytest.raises(PopulationError, match="--append"):
        generate_population(100, 12, reference_date=REF)
    assert Resident.objects.count() == SIZE
    generate_population(700, 11, reference_date=REF, append=True)
    niks = list(Resident.objects.values_list("nik", flat=True))
    assert len(niks) == len(set(niks)) == SIZE + 700


@pytest.mark.django_db
def test_requires_the_regions(db):
    with pytest.raises(PopulationError, match=r"import_regions 33\.19"):
        generate_population(10, 1)
    with pytest.raises(CommandError, match="import_regions"):
        call_command("generate_population", "--residents", "10")


@pytest.mark.django_db
def test_command_generates_and_audits_one_summary(kudus, capsys):
    call_command(
        "generate_population", "--residents", "250", "--seed", "3", "--reference-date", "2026-11-27"
    )
    assert Resident.objects.count() == 250
    assert "250 penduduk" in capsys.readouterr().out
    entry = AuditEntry.objects.get(action="register.population.generated")
    assert entry.details["residents"] == 250
    assert entry.details["families"] == Family.objects.count()
    assert entry.details["seed"] == 3
