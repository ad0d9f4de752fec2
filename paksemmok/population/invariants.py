"""The register's invariants, checked over the whole register in a few set-based queries.

    check_register(today=None) -> Report      every rule below, on one consistent snapshot
    RULES                                     code -> Rule (title, check function)

Used by `manage.py check_register` (prints each violation with its records, exits non-zero)
and by the stateful property test (tests/population/test_register_machine.py), which asserts
an empty report after every step. Each check is one or a few GROUP BY / join queries, never a
query per row: an 850,000-resident register is checked in well under a minute on PostgreSQL
(bench/check_register.py). Python only looks at the rows a query already found suspect.

To add a rule: write `_check_<code>(ctx) -> list[Violation]` with set-based SQL (run it on
SQLite and PostgreSQL), add it to RULES, give it a test that builds the broken state and one
that the demo data and generator pass it (tests/population/test_invariants.py).
"""

# SQL here is built from table names (model metadata) and code constants, never from input.
# ruff: noqa: S608
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lokal import PROVINCES

from paksemmok.audit.masking import mask_number

from .bulk import SNAPSHOT_MEMBER_FIELDS
from .identifiers import check_kk_number, check_nik, unknown_region
from .models import Family, FamilyVersion, Region, Relationship, Resident
from .names import similar_names

ALIVE = Resident.LifeStatus.ALIVE.value
DECEASED = Resident.LifeStatus.DECEASED.value
HEAD = Relationship.HEAD.value
SPOUSES = (Relationship.WIFE.value, Relationship.HUSBAND.value)
MARRIED = "kawin"

R = Resident._meta.db_table
F = Family._meta.db_table
V = FamilyVersion._meta.db_table
G = Region._meta.db_table


@dataclass(frozen=True)
class Record:
    """One register row a violation is about, labelled without the full NIK or No. KK."""

    kind: str  # "penduduk" or "KK"
    id: int
    label: str

    def __str__(self) -> str:
        return f"{self.kind} #{self.id} {self.label}"


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str
    records: tuple[Record, ...] = ()

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}: " + "; ".join(str(r) for r in self.records)


@dataclass
class Report:
    violations: list[Violation] = field(default_factory=list)
    residents: int = 0
    families: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.violations

    def by_rule(self) -> dict[str, list[Violation]]:
        grouped: dict[str, list[Violation]] = {code: [] for code in RULES}
        for v in self.violations:
            grouped.setdefault(v.rule, []).append(v)
        return grouped


@dataclass
class _Context:
    today: dt.date
    vendor: str
    residents: dict[int, Record] = field(default_factory=dict)
    families: dict[int, Record] = field(default_factory=dict)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def json_text(self, column: str, key: str) -> str:
        """SQL for the text of a top-level key of a JSON column."""
        if self.vendor == "postgresql":
            return f"{column}->>'{key}'"
        return f"json_extract({column}, '$.{key}')"

    def distinct(self, a: str, b: str) -> str:
        """Null-safe "differs" (SQLite's IS NOT is its IS DISTINCT FROM)."""
        if self.vendor == "postgresql":
            return f"{a} IS DISTINCT FROM {b}"
        return f"{a} IS NOT {b}"

    def members_of(self, versions_sql: str, fields: Iterable[str]) -> str:
        """SQL listing the members inside KK version snapshots: one row per member with
        family_id, version_id, version and the given snapshot fields (as text).

        `versions_sql` selects rows aliased `v` from the versions table (with a WHERE)."""
        fields = list(fields)
        if self.vendor == "postgresql":
            columns = ", ".join(f"m.{f}" for f in fields)
            types = ", ".join(f"{f} text" for f in fields)
            return (
                f"SELECT v.family_id, v.id AS version_id, v.version, {columns} FROM "
                f"({versions_sql}) v CROSS JOIN LATERAL "
                f"jsonb_to_recordset(v.snapshot->'members') AS m({types})"
            )
        columns = ", ".join(f"json_extract(m.value, '$.{f}') AS {f}" for f in fields)
        return (
            f"SELECT v.family_id, v.id AS version_id, v.version, {columns} FROM "
            f"({versions_sql}) v, json_each(v.snapshot, '$.members') AS m"
        )

    def resident_records(self, ids: Iterable[int]) -> list[Record]:
        wanted = [i for i in dict.fromkeys(ids) if i is not None and i not in self.residents]
        for start in range(0, len(wanted), 500):
            for pk, nik, name in Resident.objects.filter(
                pk__in=wanted[start : start + 500]
            ).values_list("pk", "nik", "full_name"):
                self.residents[pk] = Record("penduduk", pk, f"{name} ({mask_number(nik)})")
        return [self.residents[i] for i in dict.fromkeys(ids) if i in self.residents]

    def family_records(self, ids: Iterable[int]) -> list[Record]:
        wanted = [i for i in dict.fromkeys(ids) if i is not None and i not in self.families]
        for start in range(0, len(wanted), 500):
            for pk, kk in Family.objects.filter(pk__in=wanted[start : start + 500]).values_list(
                "pk", "kk_number"
            ):
                self.families[pk] = Record("KK", pk, mask_number(kk))
        return [self.families[i] for i in dict.fromkeys(ids) if i in self.families]


# --- the rules ----------------------------------------------------------------------------


def _check_on_one_kk(ctx: _Context) -> list[Violation]:
    """Every living resident is a member of exactly one KK in force, with a relationship.
    (Being *listed* on a second KK's printed version is found by `kk_version`.)"""
    found: list[Violation] = []
    rows = ctx.rows(
        f"SELECT r.id, r.family_id, f.is_active, r.relationship FROM {R} r "
        f"LEFT JOIN {F} f ON f.id = r.family_id "
        f"WHERE r.life_status = %s AND (r.family_id IS NULL OR NOT f.is_active "
        f"OR r.relationship = '')",
        [ALIVE],
    )
    for resident_id, family_id, active, _relationship in rows:
        if family_id is None:
            message = _("Penduduk hidup tidak tercantum di KK mana pun")
        elif not active:
            message = _("Penduduk hidup tercantum di KK yang sudah tidak berlaku")
        else:
            message = _("Anggota KK tanpa status hubungan dalam keluarga")
        found.append(
            Violation(
                "on_one_kk",
                str(message),
                (*ctx.resident_records([resident_id]), *ctx.family_records([family_id])),
            )
        )
    return found


def _check_one_head(ctx: _Context) -> list[Violation]:
    """Each KK in force has exactly one living head: Family.head, a living member whose
    relationship is "kepala", and no other member with that relationship."""
    rows = ctx.rows(
        f"SELECT f.id, f.head_id, h.life_status, h.family_id, h.relationship, "
        f"COUNT(r.id), SUM(CASE WHEN r.relationship = %s THEN 1 ELSE 0 END) "
        f"FROM {F} f LEFT JOIN {R} r ON r.family_id = f.id AND r.life_status = %s "
        f"LEFT JOIN {R} h ON h.id = f.head_id WHERE f.is_active "
        f"GROUP BY f.id, f.head_id, h.life_status, h.family_id, h.relationship "
        f"HAVING COUNT(r.id) = 0 OR SUM(CASE WHEN r.relationship = %s THEN 1 ELSE 0 END) <> 1 "
        f"OR f.head_id IS NULL OR h.life_status <> %s OR h.family_id IS NULL "
        f"OR h.family_id <> f.id OR h.relationship <> %s",
        [HEAD, ALIVE, HEAD, ALIVE, HEAD],
    )
    found = []
    for family_id, head_id, life, head_family, relationship, members, heads in rows:
        if not members:
            message = _("KK yang berlaku tanpa anggota yang hidup")
        elif head_id is None:
            message = _("KK tanpa kepala keluarga")
        elif life != ALIVE:
            message = _("Kepala keluarga KK sudah tidak hidup")
        elif head_family != family_id:
            message = _("Kepala keluarga bukan anggota KK ini")
        elif relationship != HEAD:
            message = _("Kepala keluarga tidak berstatus hubungan “kepala keluarga”")
        else:
            message = _("KK punya %(n)s anggota berstatus kepala keluarga") % {"n": heads or 0}
        found.append(
            Violation(
                "one_head",
                str(message),
                (*ctx.family_records([family_id]), *ctx.resident_records([head_id])),
            )
        )
    return found


def _check_unique_numbers(ctx: _Context) -> list[Violation]:
    found = []
    for nik, ids in _duplicated(Resident, "nik"):
        found.append(
            Violation(
                "unique_numbers",
                _("NIK %(nik)s dipakai %(n)s penduduk") % {"nik": mask_number(nik), "n": len(ids)},
                tuple(ctx.resident_records(ids)),
            )
        )
    for kk, ids in _duplicated(Family, "kk_number"):
        found.append(
            Violation(
                "unique_numbers",
                _("Nomor KK %(kk)s dipakai %(n)s KK") % {"kk": mask_number(kk), "n": len(ids)},
                tuple(ctx.family_records(ids)),
            )
        )
    return found


def _duplicated(model: Any, column: str) -> list[tuple[str, list[int]]]:
    if _unique_in_database(model, column):
        # A unique index on exactly this column proves it; scanning would only cost time.
        return []
    values = (
        model.objects.values(column)
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list(column, flat=True)
    )
    out = []
    for value in values:
        out.append(
            (value, list(model.objects.filter(**{column: value}).values_list("pk", flat=True)))
        )
    return out


def _unique_in_database(model: Any, column: str) -> bool:
    db_column = model._meta.get_field(column).column
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return any(
        c.get("unique") and c.get("columns") == [db_column] and not c.get("check")
        for c in constraints.values()
    )


def _check_valid_numbers(ctx: _Context) -> list[Violation]:
    """NIK and No. KK valid by identifiers.check_nik / check_kk_number. Set-based: the
    distinct region prefixes and birth-date blocks are checked (a few thousand values at
    most), then only rows carrying a bad part are checked one by one, for the message."""
    found = []
    suspects = _suspect_rows(
        Resident, "nik", ctx.today, with_date=True, extra=["birth_date", "sex"]
    )
    for pk, nik, birth_date, sex in suspects:
        check = check_nik(nik, birth_date=birth_date, sex=sex, reference_date=ctx.today)
        if not check.valid:
            found.append(
                Violation(
                    "valid_numbers",
                    _("NIK tidak valid: %(why)s") % {"why": " ".join(check.errors)},
                    tuple(ctx.resident_records([pk])),
                )
            )
    for pk, kk in _suspect_rows(Family, "kk_number", ctx.today, with_date=False):
        check = check_kk_number(kk)
        if not check.valid:
            found.append(
                Violation(
                    "valid_numbers",
                    _("Nomor KK tidak valid: %(why)s") % {"why": " ".join(check.errors)},
                    tuple(ctx.family_records([pk])),
                )
            )
    return found


def _bad_region(prefix: str) -> bool:
    if len(prefix) != 6 or not prefix.isdigit() or prefix[:2] not in PROVINCES:
        return True
    if prefix[2:4] == "00" or prefix[4:6] == "00":
        return True
    return unknown_region(prefix) is not None


def _doubtful_date(block: str, today: dt.date) -> bool:
    """A DDMMYY block that is impossible, or in the future on the NIK's century rule (which
    the row's register birth date may still explain: checked per row)."""
    if len(block) != 6 or not block.isdigit():
        return True
    day, month, yy = int(block[:2]), int(block[2:4]), int(block[4:])
    if day > 40:
        day -= 40
    year = 2000 + yy if yy <= today.year % 100 else 1900 + yy
    try:
        return dt.date(year, month, day) > today
    except ValueError:
        return True


def _suspect_rows(
    model: Any, column: str, today: dt.date, *, with_date: bool, extra: Sequence[str] = ()
) -> list[tuple[Any, ...]]:
    qs = model.objects.all()
    prefixes = qs.annotate(p=Substr(column, 1, 6)).values_list("p", flat=True).distinct()
    bad_prefixes = [p for p in prefixes if _bad_region(p or "")]
    conditions = [
        qs.exclude(**{f"{column}__regex": r"^[0-9]{16}$"}),
        qs.filter(**{f"{column}__endswith": "0000"}),
    ]
    if bad_prefixes:
        conditions.append(qs.annotate(p=Substr(column, 1, 6)).filter(p__in=bad_prefixes))
    if with_date:
        blocks = qs.annotate(d=Substr(column, 7, 6)).values_list("d", flat=True).distinct()
        bad_blocks = [b for b in blocks if _doubtful_date(b or "", today)]
        if bad_blocks:
            conditions.append(qs.annotate(d=Substr(column, 7, 6)).filter(d__in=bad_blocks))
    rows: dict[int, tuple[Any, ...]] = {}
    for condition in conditions:
        for row in condition.values_list("pk", column, *extra):
            rows[row[0]] = row
    return [rows[k] for k in sorted(rows)]


def _check_kk_version(ctx: _Context) -> list[Violation]:
    """Every change of a KK has its version: versions 1..current_version exist, and the
    newest one shows exactly the KK as it is now (number, head, address, each living member
    with every printed field)."""
    found = []
    rows = ctx.rows(
        f"SELECT f.id, f.current_version, COUNT(v.id), MIN(v.version), MAX(v.version) "
        f"FROM {F} f LEFT JOIN {V} v ON v.family_id = f.id "
        f"GROUP BY f.id, f.current_version "
        f"HAVING f.current_version < 1 OR COUNT(v.id) <> f.current_version "
        f"OR MIN(v.version) <> 1 OR MAX(v.version) <> f.current_version"
    )
    for family_id, current, count, _low, high in rows:
        found.append(
            Violation(
                "kk_version",
                _(
                    "Riwayat versi KK tidak lengkap: versi sekarang %(current)s, tersimpan "
                    "%(count)s versi (tertinggi %(high)s)"
                )
                % {"current": current, "count": count, "high": high or 0},
                tuple(ctx.family_records([family_id])),
            )
        )
    latest = (
        f"SELECT v.* FROM {V} v JOIN {F} f ON f.id = v.family_id "
        f"AND v.version = f.current_version WHERE f.is_active"
    )
    header = {
        "kk_number": "f.kk_number",
        "head_nik": "h.nik",
        "address": "f.address",
        "rt": "f.rt",
        "rw": "f.rw",
        "village_code": "g.code",
    }
    differs = " OR ".join(
        ctx.distinct(ctx.json_text("v.snapshot", key), column) for key, column in header.items()
    )
    rows = ctx.rows(
        f"SELECT f.id, v.version FROM {F} f "
        f"JOIN {V} v ON v.family_id = f.id AND v.version = f.current_version "
        f"JOIN {G} g ON g.id = f.village_id LEFT JOIN {R} h ON h.id = f.head_id "
        f"WHERE f.is_active AND ({differs} OR v.kk_number <> f.kk_number)"
    )
    for family_id, version in rows:
        found.append(
            Violation(
                "kk_version",
                _(
                    "KK berubah (nomor, kepala keluarga atau alamat) tanpa versi KK baru; "
                    "versi terakhir %(v)s"
                )
                % {"v": version},
                tuple(ctx.family_records([family_id])),
            )
        )
    fields = [f for f in SNAPSHOT_MEMBER_FIELDS if f != "nik"]
    listed = ctx.members_of(latest, SNAPSHOT_MEMBER_FIELDS)
    birth = "to_char(r.birth_date, 'YYYY-MM-DD')" if ctx.vendor == "postgresql" else "r.birth_date"
    living_columns = ", ".join(
        f"{birth} AS birth_date" if f == "birth_date" else f"r.{f}" for f in fields
    )
    field_differs = " OR ".join(ctx.distinct(f"m.{f}", f"r.{f}") for f in fields)
    rows = ctx.rows(
        f"WITH m AS ({listed}), "
        f"r AS (SELECT r.id, r.nik, r.family_id, {living_columns} FROM {R} r "
        f"JOIN {F} f ON f.id = r.family_id AND f.is_active AND f.current_version > 0 "
        f"WHERE r.life_status = %s) "
        f"SELECT COALESCE(m.family_id, r.family_id), m.version, r.id, m.nik, "
        f"m.nik IS NULL, r.id IS NULL FROM m FULL OUTER JOIN r "
        f"ON r.family_id = m.family_id AND r.nik = m.nik "
        f"WHERE m.nik IS NULL OR r.id IS NULL OR {field_differs}",
        [ALIVE],
    )
    unlisted_niks = [nik for *_x, nik, _missing, extra in rows if extra]
    by_nik = dict(Resident.objects.filter(nik__in=unlisted_niks).values_list("nik", "pk"))
    for family_id, version, resident_id, nik, missing, extra in rows:
        if missing:
            message = _("Anggota KK tidak tercantum di versi KK terakhir")
        elif extra:
            message = _(
                "Versi KK terakhir (%(v)s) mencantumkan orang yang bukan (lagi) anggotanya"
            ) % {"v": version}
            resident_id = by_nik.get(nik)
        else:
            message = _("Data anggota berubah tanpa versi KK baru (versi terakhir %(v)s)") % {
                "v": version
            }
        found.append(
            Violation(
                "kk_version",
                str(message),
                (*ctx.family_records([family_id]), *ctx.resident_records([resident_id])),
            )
        )
    return found


def _check_widowed(ctx: _Context) -> list[Violation]:
    """No living resident is "Kawin" with a deceased spouse on the same KK (the survivor is
    Cerai Mati, UU 23/2006 as SIAK records it), unless they have a living spouse there again.

    The spouse is the deceased's partner as head and wife/husband: on the deceased's last
    printed KK version (the deceased leave the KK at death), or still linked to the KK (rows
    imported as deceased)."""
    if not Resident.objects.filter(life_status=DECEASED).exists():
        return []
    spouse_pair = (
        f"((d_rel = '{HEAD}' AND s_rel IN {SPOUSES}) OR (d_rel IN {SPOUSES} AND s_rel = '{HEAD}'))"
    )
    listed_dead = ctx.members_of(f"SELECT * FROM {V}", ["nik", "relationship"])
    # Only the versions that last listed a deceased person are opened a second time.
    partners = ctx.members_of(
        f"SELECT * FROM {V} WHERE id IN (SELECT version_id FROM last)", ["nik", "relationship"]
    )
    has_partner = (
        f"EXISTS (SELECT 1 FROM {R} p WHERE p.family_id = s.family_id AND p.id <> s.id "
        f"AND p.life_status = '{ALIVE}' AND ((s.relationship = '{HEAD}' AND p.relationship "
        f"IN {SPOUSES}) OR (s.relationship IN {SPOUSES} AND p.relationship = '{HEAD}')))"
    )
    rows = ctx.rows(
        f"WITH d AS (SELECT id, nik FROM {R} WHERE life_status = %s), "
        f"listed AS (SELECT m.*, d.id AS dead_id FROM ({listed_dead}) m JOIN d ON d.nik = m.nik), "
        f"last AS (SELECT * FROM (SELECT listed.*, ROW_NUMBER() OVER (PARTITION BY dead_id "
        f"ORDER BY version DESC, version_id DESC) AS n FROM listed) x WHERE n = 1), "
        f"pairs AS ("
        f"SELECT last.dead_id, last.family_id, last.relationship AS d_rel, "
        f"o.nik AS s_nik, o.relationship AS s_rel FROM last "
        f"JOIN ({partners}) o "
        f"ON o.version_id = last.version_id AND o.nik <> last.nik "
        f"UNION ALL "
        f"SELECT dd.id, dd.family_id, dd.relationship, o.nik, o.relationship FROM {R} dd "
        f"JOIN {R} o ON o.family_id = dd.family_id AND o.id <> dd.id "
        f"WHERE dd.life_status = %s AND dd.family_id IS NOT NULL) "
        f"SELECT DISTINCT pairs.dead_id, s.id, s.family_id FROM pairs "
        f"JOIN {R} s ON s.nik = pairs.s_nik "
        f"WHERE {spouse_pair} AND s.life_status = %s AND s.marital_status = %s "
        f"AND s.family_id = pairs.family_id AND NOT {has_partner}",
        [DECEASED, DECEASED, ALIVE, MARRIED],
    )
    return [
        Violation(
            "widowed",
            _("Penduduk masih berstatus Kawin padahal suami/istrinya di KK ini sudah meninggal"),
            (
                *ctx.resident_records([survivor]),
                *ctx.resident_records([dead]),
                *ctx.family_records([family_id]),
            ),
        )
        for dead, survivor, family_id in rows
    ]


# A child's relationship on the KK -> the relationships their parents have on the same KK.
PARENTS_OF = {
    Relationship.CHILD.value: (HEAD, *SPOUSES),
    Relationship.GRANDCHILD.value: (Relationship.CHILD.value, Relationship.CHILD_IN_LAW.value),
    HEAD: (Relationship.PARENT.value, Relationship.PARENT_IN_LAW.value),
    Relationship.WIFE.value: (Relationship.PARENT.value, Relationship.PARENT_IN_LAW.value),
    Relationship.HUSBAND.value: (Relationship.PARENT.value, Relationship.PARENT_IN_LAW.value),
}


def _check_born_after_parents(ctx: _Context) -> list[Violation]:
    """Children are born after their parents. A parent is the member of the same KK named as
    the child's father or mother, in the relationship a parent has (a child's parents are the
    head and spouse; a grandchild's a child or child-in-law; the head's the orang tua/mertua),
    so a namesake elsewhere on the KK is not taken for a parent."""
    pairs = " OR ".join(
        f"(c.relationship = '{child}' AND p.relationship IN {parents})"
        for child, parents in PARENTS_OF.items()
    )
    rows = ctx.rows(
        f"SELECT c.id, p.id, c.family_id FROM {R} c "
        f"JOIN {R} p ON p.family_id = c.family_id AND p.id <> c.id "
        f"WHERE c.life_status = %s AND p.life_status = %s AND ({pairs}) "
        f"AND ((p.sex = 'P' AND p.full_name = c.mother_name) "
        f"OR (p.sex = 'L' AND p.full_name = c.father_name)) "
        f"AND c.birth_date <= p.birth_date",
        [ALIVE, ALIVE],
    )
    return [
        Violation(
            "born_after_parents",
            _("Anak lahir tidak setelah orang tuanya"),
            (*ctx.resident_records([child, parent]), *ctx.family_records([family_id])),
        )
        for child, parent, family_id in rows
    ]


def _check_duplicates(ctx: _Context) -> list[Violation]:
    """Likely the same person twice: same birth date and sex, a similar name, and the same KK
    or the same mother (her name, and the father's too where both records name one: the
    register knows parents only by name, and a regency has many namesakes). Sex is compared
    so boy-girl twins named alike (Hidayat, Hidayah) are not taken for one person."""
    mk, fk = "LOWER(REPLACE(mother_name, ' ', ''))", "LOWER(REPLACE(father_name, ' ', ''))"
    # Each query first groups the whole table (one scan) to the few keys shared by two or
    # more people, and pairs only the people under those keys.
    queries = [
        f"WITH g AS (SELECT family_id, birth_date, sex FROM {R} WHERE family_id IS NOT NULL "
        f"GROUP BY family_id, birth_date, sex HAVING COUNT(*) > 1), "
        f"c AS (SELECT r.id, r.full_name, r.family_id, r.birth_date, r.sex FROM {R} r "
        f"JOIN g ON g.family_id = r.family_id AND g.birth_date = r.birth_date AND g.sex = r.sex) "
        f"SELECT a.id, b.id, a.full_name, b.full_name FROM c a JOIN c b "
        f"ON b.family_id = a.family_id AND b.birth_date = a.birth_date AND b.sex = a.sex "
        f"AND a.id < b.id",
        f"WITH k AS (SELECT id, full_name, birth_date, sex, {mk} AS mk, {fk} AS fk FROM {R} "
        f"WHERE mother_name <> '' AND father_name <> ''), "
        f"g AS (SELECT birth_date, sex, mk, fk FROM k GROUP BY birth_date, sex, mk, fk "
        f"HAVING COUNT(*) > 1), "
        f"c AS (SELECT k.* FROM k JOIN g ON g.birth_date = k.birth_date AND g.sex = k.sex "
        f"AND g.mk = k.mk AND g.fk = k.fk) "
        f"SELECT a.id, b.id, a.full_name, b.full_name FROM c a JOIN c b "
        f"ON b.birth_date = a.birth_date AND b.sex = a.sex AND b.mk = a.mk AND b.fk = a.fk "
        f"AND a.id < b.id",
        f"WITH a AS (SELECT id, full_name, birth_date, sex, {mk} AS mk FROM {R} "
        f"WHERE mother_name <> '' AND father_name = '') "
        f"SELECT a.id, b.id, a.full_name, b.full_name FROM a JOIN {R} b "
        f"ON b.birth_date = a.birth_date AND b.sex = a.sex "
        f"AND LOWER(REPLACE(b.mother_name, ' ', '')) = a.mk AND b.id <> a.id",
    ]
    seen: set[tuple[int, int]] = set()
    found = []
    for sql in queries:
        for a, b, name_a, name_b in ctx.rows(sql):
            pair = (min(a, b), max(a, b))
            if pair in seen or not similar_names(name_a, name_b):
                continue
            seen.add(pair)
            found.append(
                Violation(
                    "duplicates",
                    _("Kemungkinan orang yang sama tercatat dua kali"),
                    tuple(ctx.resident_records(pair)),
                )
            )
    return found


@dataclass(frozen=True)
class Rule:
    code: str
    title: Any  # lazy translation
    check: Callable[[_Context], list[Violation]]


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in [
        Rule(
            "on_one_kk",
            gettext_lazy("Setiap penduduk hidup tercantum di tepat satu KK yang berlaku"),
            _check_on_one_kk,
        ),
        Rule(
            "one_head",
            gettext_lazy("Setiap KK punya tepat satu kepala keluarga yang hidup"),
            _check_one_head,
        ),
        Rule("unique_numbers", gettext_lazy("NIK dan nomor KK unik"), _check_unique_numbers),
        Rule("valid_numbers", gettext_lazy("NIK dan nomor KK valid"), _check_valid_numbers),
        Rule(
            "kk_version",
            gettext_lazy("Setiap perubahan KK punya versinya"),
            _check_kk_version,
        ),
        Rule(
            "widowed",
            gettext_lazy("Tidak ada yang berstatus Kawin dengan suami/istri yang sudah meninggal"),
            _check_widowed,
        ),
        Rule(
            "born_after_parents",
            gettext_lazy("Anak lahir setelah orang tuanya"),
            _check_born_after_parents,
        ),
        Rule(
            "duplicates",
            gettext_lazy("Tidak ada orang yang kemungkinan tercatat dua kali"),
            _check_duplicates,
        ),
    ]
}


def check_register(*, today: dt.date | None = None, rules: Iterable[str] | None = None) -> Report:
    """Runs the rules (all by default) and returns every violation found.

    Outside a transaction, all rules read one REPEATABLE READ snapshot, so a change committed
    meanwhile cannot show up as a violation half-seen. On PostgreSQL the big joins get enough
    memory to hash in RAM (SET LOCAL, this transaction only).
    """
    ctx = _Context(today=today or timezone.localdate(), vendor=connection.vendor)
    report = Report()
    selected = [RULES[code] for code in (rules or RULES)]
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if ctx.vendor == "postgresql":
            with connection.cursor() as cursor:
                if outermost:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SET LOCAL work_mem = '256MB'")
                # Compiling these one-off queries costs more than it saves.
                cursor.execute("SET LOCAL jit = off")
        report.residents = Resident.objects.count()
        report.families = Family.objects.filter(is_active=True).count()
        for rule in selected:
            started = time.perf_counter()
            report.violations += rule.check(ctx)
            report.seconds[rule.code] = round(time.perf_counter() - started, 2)
    return report


__all__ = ["RULES", "Record", "Report", "Rule", "Violation", "check_register", "similar_names"]
