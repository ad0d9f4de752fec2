"""Spouses and restated relationships read from a KK (population.kinship), on unsaved
residents: pure functions."""

from __future__ import annotations

import datetime as dt

from paksemmok.population.kinship import relationship_under, spouses
from paksemmok.population.models import MaritalStatus, Relationship, Resident

R = Relationship


def person(pk, relationship, sex="L", marital=MaritalStatus.SINGLE, name="", **kw) -> Resident:
    return Resident(
        pk=pk,
        full_name=name or f"P{pk}",
        relationship=relationship,
        sex=sex,
        marital_status=marital,
        birth_date=dt.date(1990, 1, 1),
        **kw,
    )


def kk():
    head = person(1, R.HEAD, marital=MaritalStatus.MARRIED, name="Agus")
    wife = person(2, R.WIFE, "P", MaritalStatus.MARRIED, name="Rina")
    son = person(3, R.CHILD, marital=MaritalStatus.MARRIED, name="Dimas", father_name="Agus")
    daughter_in_law = person(4, R.CHILD_IN_LAW, "P", MaritalStatus.MARRIED, name="Ayu")
    grandchild = person(5, R.GRANDCHILD, name="Raka", father_name="Dimas")
    grandma = person(6, R.PARENT, "P", MaritalStatus.WIDOWED, name="Sumi")
    helper = person(7, R.HOUSEHOLD, "P", name="Inah")
    daughter = person(8, R.CHILD, "P", name="Sinta", father_name="Agus")
    return [head, wife, son, daughter_in_law, grandchild, grandma, helper, daughter]


def test_spouses_from_relationships():
    head, wife, son, dil, *_ = members = kk()
    assert spouses(head, members) == [wife]
    assert spouses(wife, members) == [head]
    assert spouses(son, members) == [dil] and spouses(dil, members) == [son]


def test_a_couple_is_not_guessed_when_two_pairs_could_be():
    members = kk()
    members.append(person(9, R.CHILD, marital=MaritalStatus.MARRIED, name="Eko"))
    son = members[2]
    assert spouses(son, members) == []


def test_widow_heads_the_kk():
    members = kk()
    head, wife = members[0], members[1]
    rest = [m for m in members if m is not head]
    got = {m.full_name: relationship_under(m, head, wife, rest) for m in rest}
    assert got == {
        "Rina": R.HEAD,
        "Dimas": R.CHILD,
        "Ayu": R.CHILD_IN_LAW,
        "Raka": R.GRANDCHILD,
        "Sumi": R.PARENT_IN_LAW,
        "Inah": R.HOUSEHOLD,
        "Sinta": R.CHILD,
    }


def test_a_married_son_heads_the_kk():
    members = kk()
    head, son = members[0], members[2]
    rest = [m for m in members if m is not head]
    got = {m.full_name: relationship_under(m, head, son, rest) for m in rest}
    assert got == {
        "Rina": R.PARENT,
        "Dimas": R.HEAD,
        "Ayu": R.WIFE,  # his spouse
        "Raka": R.CHILD,  # his child, by the father's name in the register
        "Sumi": R.OTHER_FAMILY,
        "Inah": R.HOUSEHOLD,
        "Sinta": R.OTHER_FAMILY,  # his sister
    }
