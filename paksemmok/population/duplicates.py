"""Finding a person who may already be in the register (reads only).

    people_like(name, birth_date, *, family_id=None, mother_name="", near=NEAR, limit=20)
        -> list[Match]

Every candidate shares the birth date (an indexed column, so a regency-wide search reads a
few dozen rows, not the register); the name is compared with `names.name_similarity`, and a
candidate on the same KK (`family_id`) or with a similar mother's name is marked so. `Match.
strong` is the rule's "same person" (same birth date, same family or mother, similar name):
a birth like that is refused. Weaker matches are what the review panel shows staff.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .models import Resident
from .names import NEAR, SIMILAR, name_similarity


@dataclass(frozen=True)
class Match:
    resident: Resident
    score: float
    same_family: bool
    same_mother: bool

    @property
    def strong(self) -> bool:
        return self.score >= SIMILAR and (self.same_family or self.same_mother)


def people_like(
    name: str,
    birth_date: dt.date,
    *,
    family_id: int | None = None,
    mother_name: str = "",
    near: float = NEAR,
    limit: int = 20,
) -> list[Match]:
    """Living (and deceased: a death does not free a NIK) residents born on `birth_date`
    whose name is at least `near` similar, best first."""
    candidates = Resident.objects.filter(birth_date=birth_date).select_related(
        "family", "village__parent"
    )
    matches = []
    for person in candidates:
        score = name_similarity(name, person.full_name)
        if score < near:
            continue
        same_family = family_id is not None and person.family_id == family_id
        same_mother = bool(mother_name and person.mother_name) and (
            name_similarity(mother_name, person.mother_name) >= SIMILAR
        )
        matches.append(Match(person, score, same_family, same_mother))
    matches.sort(key=lambda m: (not m.strong, -m.score, m.resident.pk))
    return matches[:limit]
