"""Read queries on the register that views and the API share."""

from __future__ import annotations

from django.db.models import Prefetch

from .identifiers import clean_number
from .models import Resident
from .services import kk_order


def _with_family(**lookup: object) -> Resident | None:
    members = Prefetch(
        "family__members",
        queryset=Resident.objects.filter(life_status=Resident.LifeStatus.ALIVE),
        to_attr="living_members",
    )
    try:
        # get(), not first(): first() adds ORDER BY id, which can steer the planner away
        # from the unique NIK index.
        resident = (
            Resident.objects.select_related("village", "family", "family__village", "family__head")
            .prefetch_related(members)
            .get(**lookup)
        )
    except Resident.DoesNotExist:
        return None
    resident.kk_members = kk_order(resident.family.living_members) if resident.family else []
    return resident


def resident_with_family(nik: str) -> Resident | None:
    """A resident by NIK with their village, KK, the KK's village and head, and the KK's living
    members in KK order as `resident.kk_members` (an empty list without a KK).

    Two queries whatever the family's size: one join for the resident, one for the members.
    Returns None for an unknown NIK. Callers that show the result to staff must audit the read.
    """
    return _with_family(nik=clean_number(nik))


def resident_with_family_by_id(pk: int) -> Resident | None:
    """The same read by the resident's row id (a signed-in resident's own record, or a
    look-up result chosen from a list without a NIK in the URL)."""
    return _with_family(pk=pk)
