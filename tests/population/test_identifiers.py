import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from paksemmok.audit.masking import mask_number
from paksemmok.population.identifiers import (
    check_kk_number,
    check_nik,
    nik_birth_part,
    validate_kk_number,
    validate_nik,
)

REF = dt.date(2026, 11, 27)


def make_nik(region: str, born: dt.date, sex: str, serial: int) -> str:
    return f"{region}{nik_birth_part(born, sex)}{serial:04d}"


@given(
    born=st.dates(min_value=dt.date(1927, 1, 1), max_value=REF),
    sex=st.sampled_from(["L", "P"]),
    serial=st.integers(min_value=1, max_value=9999),
    region=st.sampled_from(["331901", "331909", "317101", "320101"]),
)
def test_any_well_formed_nik_is_valid_and_matches_its_own_data(born, sex, serial, region):
    nik = make_nik(region, born, sex, serial)
    result = check_nik(nik, birth_date=born, sex=sex, reference_date=REF)
    assert result.valid, result.errors
    assert result.warnings == []


@given(st.text(alphabet="0123456789", min_size=0, max_size=30).filter(lambda s: len(s) != 16))
def test_wrong_length_is_an_error(value):
    result = check_nik(value)
    assert not result.valid
    assert "16 digit" in result.errors[0]


@given(st.text(min_size=16, max_size=16).filter(lambda s: not s.isdigit() or not s.isascii()))
def test_non_digits_are_an_error(value):
    assert not check_nik(value).valid


@pytest.mark.parametrize(
    ("nik", "fragment"),
    [
        ("9919011705900001", "provinsi"),
        ("3300011705900001", "00"),
        ("3319013205900001", "Tanggal lahir"),  # day 32
        ("3319017213900001", "Tanggal lahir"),  # month 13 and day 72-40=32
        ("3319011705900000", "0000"),
    ],
)
def test_structural_errors_name_the_part(nik, fragment):
    result = check_nik(nik, reference_date=REF)
    assert not result.valid
    assert any(fragment in e for e in result.errors), result.errors


def test_women_have_day_plus_40():
    assert nik_birth_part(dt.date(1990, 7, 5), "P") == "450790"
    assert nik_birth_part(dt.date(1990, 7, 5), "L") == "050790"


def test_register_mismatch_is_a_warning_not_an_error():
    # Born 17 May 1990 per the NIK, but the register corrected it to the 18th and to female.
    result = check_nik(
        "3319011705900001", birth_date=dt.date(1990, 5, 18), sex="P", reference_date=REF
    )
    assert result.valid
    assert len(result.warnings) == 2


def test_separators_are_accepted():
    assert check_nik("3319 0117 0590 0001", reference_date=REF).value == "3319011705900001"


def test_nik_from_another_regency_is_valid():
    # A resident who moved to Kudus keeps their Jakarta NIK.
    assert check_nik("3171011705900001", reference_date=REF).valid


@given(serial=st.integers(min_value=1, max_value=9999), kec=st.sampled_from(["331901", "331905"]))
def test_kk_numbers(serial, kec):
    assert check_kk_number(f"{kec}010124{serial:04d}").valid


@pytest.mark.parametrize(
    "kk",
    [
        "331901010124",
        "3319010101240000",
        "9919010101240001",
        "3300010101240001",
        "33190101012400a1",
    ],
)
def test_bad_kk_numbers(kk):
    assert not check_kk_number(kk).valid


def test_kk_from_another_regency_warns():
    result = check_kk_number("3171010101240001", regency_code="33.19")
    assert result.valid and result.warnings


def test_validators_raise_in_indonesian():
    with pytest.raises(ValidationError, match="16 digit"):
        validate_nik("123")
    with pytest.raises(ValidationError, match="Nomor KK"):
        validate_kk_number("123")


def test_masking():
    assert mask_number("3319011705900012") == "3319 **** **** 0012"
    assert mask_number("12") == "****"


# --- region codes and dates (issue 11) ------------------------------------------------------


@pytest.mark.parametrize(
    ("nik", "fragment"),
    [
        ("3319101503900001", "Kode kecamatan 33.19.10"),  # Kudus has kecamatan 01-09
        ("3319001503900001", "00"),
        ("3370021503900001", "Kode kabupaten/kota 33.70"),  # 70 is never a regency code
        ("3399011503900001", "Kode kabupaten/kota 33.99"),
    ],
)
def test_a_region_that_does_not_exist_makes_the_nik_invalid(nik, fragment):
    result = check_nik(nik, reference_date=REF)
    assert not result.valid
    assert any(fragment in e for e in result.errors), result.errors
    with pytest.raises(ValidationError, match=r"daftar Kemendagri|00"):
        validate_nik(nik)


def test_a_region_that_does_not_exist_makes_the_kk_number_invalid():
    result = check_kk_number("3319100101240001")
    assert not result.valid and "33.19.10" in result.errors[0]
    assert not check_kk_number("3399010101240001").valid
    with pytest.raises(ValidationError, match=r"33\.19\.10"):
        validate_kk_number("3319100101240001")


def test_a_retired_kecamatan_code_can_be_allowed_by_setting(settings):
    settings.IDENTIFIERS_EXTRA_KECAMATAN_CODES = ["33.19.10"]
    assert check_nik("3319101503900001", reference_date=REF).valid
    assert check_kk_number("3319100101240001").valid


def test_a_birth_date_in_the_future_makes_the_nik_invalid():
    # REF is 27 November 2026; the NIK says 15 December 2026 (a boy) or 2 December (a girl).
    for nik in ("3319021512260001", "3319024212260001"):
        result = check_nik(nik, reference_date=REF)
        assert not result.valid
        assert "masa depan" in result.errors[0]
    assert check_nik("3319022711260001", reference_date=REF).valid  # born today


def test_a_centenarian_whose_register_says_so_keeps_a_valid_nik():
    # 151226 is 15 December 1926 for someone the register says is a hundred years old.
    nik = "3319021512260001"
    assert check_nik(nik, birth_date=dt.date(1926, 12, 15), sex="L", reference_date=REF).valid
    assert not check_nik(nik, birth_date=dt.date(1990, 1, 1), reference_date=REF).valid


@given(
    kecamatan=st.integers(min_value=10, max_value=99),
    born=st.dates(min_value=dt.date(1930, 1, 1), max_value=REF),
)
def test_no_kudus_kecamatan_above_09_is_ever_valid(kecamatan, born):
    nik = make_nik(f"3319{kecamatan:02d}", born, "L", 1)
    assert not check_nik(nik, reference_date=REF).valid
