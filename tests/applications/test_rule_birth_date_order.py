"""A changed birth date keeps the generations in order (found by the register property test:
a grandmother's birth date "corrected" to after her son's was approved)."""

from __future__ import annotations

import datetime as dt

import pytest

from paksemmok.applications import rules
from paksemmok.catalog.models import Variant
from paksemmok.population.models import MaritalStatus, Relationship, Sex
from tests.factories import FamilyFactory, ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kk(kudus):
    family = FamilyFactory()
    mbah = ResidentFactory(
        family=family,
        full_name="Mbah Sumi",
        sex=Sex.FEMALE,
        relationship=Relationship.PARENT,
        birth_date=dt.date(1950, 1, 1),
        marital_status=MaritalStatus.WIDOWED,
    )
    head = ResidentFactory(
        family=family,
        full_name="Agus",
        relationship=Relationship.HEAD,
        birth_date=dt.date(1975, 1, 1),
        mother_name="Mbah Sumi",
        marital_status=MaritalStatus.MARRIED,
    )
    child = ResidentFactory(
        family=family, full_name="Dimas", birth_date=dt.date(2005, 1, 1), father_name="Agus"
    )
    return mbah, head, child


def change(subject, when: str) -> set[str]:
    answers = {"changed_field": "birth_date", "new_value": when}
    found = rules.check(Variant.objects.get(code="kk-perubahan-data"), subject, answers)
    return {v.code for v in found}


def test_a_birth_date_after_a_parents_or_before_a_childs_is_refused(kk):
    mbah, head, child = kk
    assert change(mbah, "2015-06-01") == {"change.birth_date_order"}  # after her son
    assert change(head, "1949-12-31") == {"change.birth_date_order"}  # before his mother
    assert change(head, "2006-01-01") == {"change.birth_date_order"}  # after his son
    assert change(child, "1974-05-05") == {"change.birth_date_order"}  # before his father


def test_a_birth_date_between_the_generations_is_fine(kk):
    mbah, head, child = kk
    assert change(head, "1976-03-04") == set()
    assert change(mbah, "1949-02-02") == set()
    assert change(child, "2006-07-08") == set()
