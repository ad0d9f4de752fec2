"""Who is whose spouse on a KK, and how relationships read under a new head (pure functions).

A KK states each member's relationship to the head, not to each other, so a spouse is
found from those relationships:

    spouses(person, members) -> list[Resident]
        the head's spouses are the members recorded "istri"/"suami"; a spouse's spouse is the
        head; a married child ("anak") and a "menantu" of the other sex are each other's spouse
        when that pairing is the only one on the KK (otherwise it is not guessed).
    relationship_under(member, old_head, new_head) -> str
        the member's relationship restated to the new head (see RESTATED below).

Both read only the objects passed in, so the effects (issuance/effects.py), the register
check and property tests share them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .models import MaritalStatus, Relationship, Resident

R = Relationship
SPOUSE_OF_HEAD = (R.WIFE, R.HUSBAND)


def spouse_relationship(person: Resident) -> str:
    return R.WIFE if person.sex == "P" else R.HUSBAND


def spouses(person: Resident, members: Iterable[Resident]) -> list[Resident]:
    others = [m for m in members if m.pk != person.pk and m.is_alive]
    if person.relationship == R.HEAD:
        return [m for m in others if m.relationship in SPOUSE_OF_HEAD]
    if person.relationship in SPOUSE_OF_HEAD:
        return [m for m in others if m.relationship == R.HEAD]
    return _child_and_in_law(person, others)


def _married_as(m: Resident, relationship: str) -> bool:
    return m.relationship == relationship and m.marital_status == MaritalStatus.MARRIED


def _child_and_in_law(person: Resident, others: list[Resident]) -> list[Resident]:
    """A married child and a "menantu" of the other sex, when that pairing is the only one."""
    pair = {R.CHILD: R.CHILD_IN_LAW, R.CHILD_IN_LAW: R.CHILD}.get(person.relationship)
    if pair is None or person.marital_status != MaritalStatus.MARRIED:
        return []
    married = [m for m in others if _married_as(m, pair) and m.sex != person.sex]
    # Two married children and two in-laws: which couple is which is not on the KK.
    same_side = [m for m in others if _married_as(m, person.relationship) and m.sex == person.sex]
    return married if len(married) == 1 and not same_side else []


# Relationship to the new head, by (the new head's relationship to the old head, the
# member's relationship to the old head). Missing pairs become "famili lain", except a
# household helper, who stays one.
RESTATED: dict[tuple[str, str], str] = {
    # The widow(er) heads the KK: the family reads the same, her in-laws become parents-in-law.
    **{
        (spouse, rel): rel
        for spouse in SPOUSE_OF_HEAD
        for rel in (R.CHILD, R.CHILD_IN_LAW, R.GRANDCHILD, R.OTHER_FAMILY, R.OTHER)
    },
    (R.WIFE, R.PARENT): R.PARENT_IN_LAW,
    (R.HUSBAND, R.PARENT): R.PARENT_IN_LAW,
    (R.WIFE, R.PARENT_IN_LAW): R.PARENT,
    (R.HUSBAND, R.PARENT_IN_LAW): R.PARENT,
    # A child heads the KK: the surviving parent becomes "orang tua", siblings "famili lain".
    (R.CHILD, R.WIFE): R.PARENT,
    (R.CHILD, R.HUSBAND): R.PARENT,
    # The head's parent heads the KK: the head's children are grandchildren, his widow a
    # child-in-law.
    (R.PARENT, R.CHILD): R.GRANDCHILD,
    (R.PARENT, R.WIFE): R.CHILD_IN_LAW,
    (R.PARENT, R.HUSBAND): R.CHILD_IN_LAW,
    # The head's parent-in-law heads it: the widow is their child, her children grandchildren.
    (R.PARENT_IN_LAW, R.CHILD): R.GRANDCHILD,
    (R.PARENT_IN_LAW, R.WIFE): R.CHILD,
    (R.PARENT_IN_LAW, R.HUSBAND): R.CHILD,
}


def relationship_under(
    member: Resident, old_head: Resident | None, new_head: Resident, members: Sequence[Resident]
) -> str:
    """`member`'s relationship to `new_head`, from both relationships to the old head."""
    if member.pk == new_head.pk:
        return R.HEAD
    if member.relationship == R.HOUSEHOLD:
        return R.HOUSEHOLD
    if member in spouses(new_head, members):
        return spouse_relationship(member)
    # The new head's own children, known from the parents' names the register holds.
    if new_head.full_name and new_head.full_name in (member.father_name, member.mother_name):
        return R.CHILD
    if old_head is None:
        return member.relationship or R.OTHER_FAMILY
    return RESTATED.get((new_head.relationship, member.relationship), R.OTHER_FAMILY)
