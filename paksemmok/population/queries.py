"""Read queries on the register that views and the API share."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q, QuerySet, Subquery
from django.db.models.functions import Upper

from .identifiers import clean_number
from .models import Region, Resident
from .services import kk_order


def _with_family(**lookup: object) -> Resident | None:
    # One query: the resident and their KK's living members (the resident among them when
    # alive), each with village and KK. A join and a second query for the members cost a
    # round trip and a second compilation, more than the few extra columns of the members.
    family = Resident.objects.filter(**lookup).values("family_id")[:1]
    rows = list(
        Resident.objects.select_related("village", "family").filter(
            Q(**lookup) | Q(family_id=Subquery(family), life_status=Resident.LifeStatus.ALIVE)
        )
    )
    resident = next((r for r in rows if all(_matches(r, k, v) for k, v in lookup.items())), None)
    if resident is None:
        return None
    resident.kk_members = (
        kk_order(
            r
            for r in rows
            if r.family_id == resident.family_id and r.life_status == Resident.LifeStatus.ALIVE
        )
        if resident.family_id
        else []
    )
    return resident


def _matches(resident: Resident, field: str, value: object) -> bool:
    return getattr(resident, field) == value


def resident_with_family(nik: str) -> Resident | None:
    """A resident by NIK with their village, KK, and the KK's living members in KK order as
    `resident.kk_members` (an empty list without a KK).

    One query whatever the family's size.
    Returns None for an unknown NIK. Callers that show the result to staff must audit the read.
    """
    return _with_family(nik=clean_number(nik))


def resident_with_family_by_id(pk: int) -> Resident | None:
    """The same read by the resident's row id (a signed-in resident's own record, or a
    look-up result chosen from a list without a NIK in the URL)."""
    return _with_family(pk=pk)


@dataclass
class RegisterSearch:
    """What a register search found: `kind` says how the query was read ("nik", "kk",
    "name"), `residents` the matches (with village and KK), `capped` that there were more."""

    kind: str
    residents: list[Resident] = field(default_factory=list)
    capped: bool = False


NAME_MIN_LENGTH = 3


def search_register(query: str, *, kecamatan: str = "", limit: int = 50) -> RegisterSearch:
    """The staff look-up and the admin search: an exact NIK, then an exact No. KK (all its
    living members), else residents whose name contains the words, optionally within one
    kecamatan. Exact numbers first, so a number never becomes a scan of 850k names;
    names use the trigram indexes on PostgreSQL (migrations 0003 and 0004)."""
    text = " ".join(query.split())
    number = clean_number(text)
    if number.isdigit() and len(number) == 16:
        resident = resident_with_family(number)
        if resident is not None:
            return RegisterSearch("nik", [resident])
        family_members = list(
            Resident.objects.select_related("village", "family")
            .filter(family__kk_number=number, life_status=Resident.LifeStatus.ALIVE)
            .order_by("id")
        )
        return RegisterSearch("kk", kk_order(family_members))
    if len(text) < NAME_MIN_LENGTH or number.isdigit():
        return RegisterSearch("none")
    qs = Resident.objects.filter(full_name__icontains=text)
    villages: list[int] = []
    if kecamatan:
        # The kecamatan's villages as a list of ids: joined instead, PostgreSQL repeats the
        # trigram scan once per village (EXPLAIN at 850k: 620 ms against 100-160 ms).
        villages = list(Region.objects.filter(parent__code=kecamatan).values_list("id", flat=True))
        qs = qs.filter(village_id__in=villages)
    # Sorted on UPPER(name), which no b-tree serves: ordered by the plain name index, the
    # planner walks names in order and filters, instead of using the trigram index.
    page = qs.order_by(Upper("full_name"), "id").values_list("id", flat=True)[: limit + 1]
    ids = _ids_by_village_and_name(page) if villages else list(page)
    # The page of ids first, then their rows with village and KK: joined before the LIMIT,
    # a short common word ("Tri": 17,000 in one kecamatan at 850k) joined every match to its
    # family and village before keeping 51 (EXPLAIN: 176 ms, of which 100 ms the joins).
    rows = list(
        Resident.objects.select_related("village__parent", "family")
        .filter(id__in=ids)
        .order_by(Upper("full_name"), "id")
    )
    return RegisterSearch("name", rows[:limit], len(rows) > limit)


def _ids_by_village_and_name(page: QuerySet) -> list[int]:
    """The ids of a name search within villages, read through the village-and-name GIN index
    (population migration 0004) on PostgreSQL.

    The planner underestimates how many residents of a kecamatan a short word matches and
    picks the plain village index, then reads the whole kecamatan: 75-100 ms at 850k where
    the GIN bitmap scan takes 15-35 ms (EXPLAIN ANALYZE, Kota Kudus, "NUR", "TRI", "MUHAM").
    Plain index scans are turned off for this one query only: SET LOCAL ends with the
    transaction, and is put back at once for a caller whose transaction goes on.
    """
    if connection.vendor != "postgresql":
        return list(page)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
        ids = list(page)
        # (On an error the savepoint's rollback undoes the SET LOCAL as well.)
        cursor.execute("SET LOCAL enable_indexscan TO DEFAULT")
    return ids


def exact_number_matches(term: str) -> QuerySet[Resident] | None:
    """For the admin's search box: the residents an exact 16-digit NIK or No. KK names, or
    None when the term is not such a number (then the admin's name search applies)."""
    number = clean_number(term)
    if not (number.isdigit() and len(number) == 16):
        return None
    # Two plain index look-ups; an OR across the join can lead the planner to a scan.
    by_nik = Resident.objects.filter(nik=number)
    if by_nik.exists():
        return by_nik
    return Resident.objects.filter(family__kk_number=number)
