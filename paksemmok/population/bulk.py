"""Fast bulk loading of register rows, shared by the population generator and the CSV import.

Django's `bulk_create` builds a model instance per row and, on SQLite, at most 999 bound
parameters per statement (about 40 residents). For a whole regency that is minutes of Python
overhead, so the loaders here write rows straight through the driver: COPY on PostgreSQL,
`executemany` on SQLite, and `bulk_create` in batches on any other database.

Primary keys are assigned here, not by the database: a family references its head and the head
references the family, and Django creates both foreign keys DEFERRABLE INITIALLY DEFERRED, so
with known ids both rows are written once, inside one transaction, without a second UPDATE pass.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import F, Max, Model
from django.db.models.functions import Greatest
from django.utils import timezone

from .models import KK_MEMBER_COLUMNS, Family, FamilyVersion, NumberSequence, Resident
from .services import kk_order_key

# Attribute names (not columns) in the order the loaders build their tuples: every column of
# each table, in the model's order, so a field added to a model is written here too (or its
# absence from a caller's row fails at once) with no second list to keep in step.
FAMILY_FIELDS = [f.attname for f in Family._meta.concrete_fields]
RESIDENT_FIELDS = [f.attname for f in Resident._meta.concrete_fields]
VERSION_FIELDS = [f.attname for f in FamilyVersion._meta.concrete_fields]

# What a caller gives for one new resident; `NewFamilies` adds the rest.
MEMBER_FIELDS = [
    name for name in RESIDENT_FIELDS if name not in ("id", "family_id", "created_at", "updated_at")
]
_RESIDENT_TUPLE = operator.itemgetter(*RESIDENT_FIELDS)

# Index of each value inside a resident tuple, for code that reads them back (snapshots).
R = {name: i for i, name in enumerate(RESIDENT_FIELDS)}
SNAPSHOT_MEMBER_FIELDS = KK_MEMBER_COLUMNS
_SNAPSHOT_INDEXES = [(name, R[name]) for name in SNAPSHOT_MEMBER_FIELDS]
_ALIVE = Resident.LifeStatus.ALIVE.value


def db_now() -> Any:
    """`created_at`/`updated_at` for raw rows, already in the form the driver expects."""
    now = timezone.now()
    if connection.vendor == "sqlite":
        return connection.ops.adapt_datetimefield_value(now)
    return now


def snapshot(
    family: Sequence[Any], village_code: str, members: Iterable[Sequence[Any]], head_nik: str | None
) -> dict[str, Any]:
    """The same dictionary as `services.family_snapshot`, built from tuples without queries.

    `family` is a FAMILY_FIELDS tuple and `members` RESIDENT_FIELDS tuples whose birth_date
    is an ISO string. The generator's tests compare both functions on the same families.
    """
    alive = sorted(
        (m for m in members if m[R["life_status"]] == _ALIVE),
        key=lambda m: kk_order_key(m[R["relationship"]], m[R["birth_date"]], m[R["nik"]]),
    )
    return {
        "kk_number": family[1],
        "address": family[3],
        "rt": family[4],
        "rw": family[5],
        "village_code": village_code,
        "head_nik": head_nik,
        "members": [{name: m[i] for name, i in _SNAPSHOT_INDEXES} for m in alive],
    }


class NewFamilies:
    """Rows of new KKs, each with its members and its first version, for `BulkWriter`.

    The one place that turns residents into register rows, for the CSV import and the
    population generator alike. Ids continue from `BulkWriter.next_ids()`; a KK takes its
    address from its head.
    """

    def __init__(self, ids: dict[type[Model], int], now: Any, reason: str) -> None:
        self.family_id, self.resident_id = ids[Family], ids[Resident]
        self.version_id = ids[FamilyVersion]
        self.now, self.reason = now, reason
        self.families: list[tuple[Any, ...]] = []
        self.residents: list[tuple[Any, ...]] = []
        self.versions: list[tuple[Any, ...]] = []

    def add(
        self, kk_number: str, members: list[dict[str, Any]], village_code: str, head: int = 0
    ) -> None:
        """`members` hold MEMBER_FIELDS (birth_date as an ISO string); `head` is the index
        of the head among them."""
        family_id, now = self.family_id, self.now
        rows = []
        for member in members:
            ids = {"id": self.resident_id, "family_id": family_id}
            rows.append(_RESIDENT_TUPLE({**member, **ids, "created_at": now, "updated_at": now}))
            self.resident_id += 1
        first = members[head]
        family = (
            family_id,
            kk_number,
            first["village_id"],
            first["address"],
            first["rt"],
            first["rw"],
            rows[head][0],
            True,
            1,
            now,
            now,
        )
        self.families.append(family)
        self.residents.extend(rows)
        self.versions.append(
            (
                self.version_id,
                family_id,
                1,
                kk_number,
                self.reason,
                snapshot(family, village_code, rows, first["nik"]),
                now,
            )
        )
        self.family_id += 1
        self.version_id += 1

    def write(self, writer: BulkWriter) -> None:
        """Writes the rows gathered so far and starts over (ids go on)."""
        writer.write(Family, FAMILY_FIELDS, self.families)
        writer.write(Resident, RESIDENT_FIELDS, self.residents)
        writer.write(FamilyVersion, VERSION_FIELDS, self.versions)
        self.families, self.residents, self.versions = [], [], []


class BulkWriter:
    """Writes tuples into a model's table by the fastest route the database offers.

    Use inside `transaction.atomic()`; call `finish()` once at the end so the id sequences
    move past the ids assigned here.
    """

    def __init__(self, method: str = "auto") -> None:
        vendor = connection.vendor
        if method == "auto":
            method = {"postgresql": "copy", "sqlite": "executemany"}.get(vendor, "orm")
        if method == "copy" and vendor != "postgresql":
            raise ValueError("COPY needs PostgreSQL.")
        if method == "executemany" and vendor != "sqlite":
            raise ValueError("executemany loading is written for SQLite.")
        self.method = method
        self.models: set[type[Model]] = set()

    def now(self) -> Any:
        """`created_at`/`updated_at` in the form this loading method expects."""
        return timezone.now() if self.method == "orm" else db_now()

    def next_ids(self) -> dict[type[Model], int]:
        """The first free primary key of each register table."""
        return {
            model: (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
            for model in (Family, Resident, FamilyVersion)
        }

    def lock_tables(self) -> None:
        """Keeps other writers out while ids are assigned here (reads go on as usual).

        SQLite needs nothing: its IMMEDIATE transactions already hold the write lock.
        """
        if connection.vendor == "postgresql":
            tables = ", ".join(
                connection.ops.quote_name(m._meta.db_table)
                for m in (Family, Resident, FamilyVersion, NumberSequence)
            )
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")

    def write(self, model: type[Model], fields: list[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        self.models.add(model)
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        # Fields added to a model later get their Python default, so this keeps working
        # after a migration adds a column with a default.
        extra = [f for name, f in by_attname.items() if name not in fields]
        if self.method == "orm":
            names = fields + [f.attname for f in extra]
            defaults = tuple(f.get_default() for f in extra)
            objs = [model(**dict(zip(names, row + defaults, strict=True))) for row in rows]
            model.objects.bulk_create(objs, batch_size=2000)
            return
        columns = [by_attname[name].column for name in fields] + [f.column for f in extra]
        self._write_raw(model, columns, _driver_rows(fields, rows, extra))

    def _write_raw(self, model: type[Model], columns: list[str], rows: list[tuple]) -> None:
        qn = connection.ops.quote_name
        table = qn(model._meta.db_table)
        column_sql = ", ".join(qn(c) for c in columns)
        connection.ensure_connection()
        raw = connection.connection
        # The driver's own exceptions become Django's (IntegrityError etc.), as with the ORM.
        with connection.wrap_database_errors:
            if self.method == "copy":
                with (
                    raw.cursor() as cursor,
                    cursor.copy(f"COPY {table} ({column_sql}) FROM STDIN") as copy,
                ):
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(columns))
                # Table and column names come from model metadata, never from input.
                sql = f"INSERT INTO {table} ({column_sql}) VALUES ({marks})"  # noqa: S608
                raw.executemany(sql, rows)

    def finish(self) -> None:
        if self.method != "orm" and connection.vendor == "postgresql" and self.models:
            statements = connection.ops.sequence_reset_sql(no_style(), list(self.models))
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


def _driver_rows(
    fields: list[str], rows: list[tuple[Any, ...]], extra: list[Any]
) -> list[tuple[Any, ...]]:
    """Rows as the driver takes them: JSON as text, the defaults of `extra` fields appended."""
    if "snapshot" in fields:
        # The ORM would serialise a JSONField the same way (json.dumps, default options).
        j = fields.index("snapshot")
        rows = [(*row[:j], json.dumps(row[j]), *row[j + 1 :]) for row in rows]
    if extra:
        defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in extra)
        rows = [row + defaults for row in rows]
    return rows


def serial_floors(
    kind: str, prefixes: Iterable[str] | None = None, numbers: dict[str, int] | None = None
) -> dict[str, int]:
    """Highest serial already taken under each 12-digit prefix, from NumberSequence rows.

    With `prefixes`, only those; `numbers` (prefix -> serial from the register rows) is merged
    in, so the result is what a new number under the prefix must exceed.
    """
    floors = dict(numbers or {})
    qs = NumberSequence.objects.filter(kind=kind)
    if prefixes is not None:
        wanted = set(prefixes)
        rows = [(p, s) for p, s in qs.values_list("prefix", "last_serial") if p in wanted]
    else:
        rows = list(qs.values_list("prefix", "last_serial"))
    for prefix, last in rows:
        if last > floors.get(prefix, 0):
            floors[prefix] = last
    return floors


def register_serials(model: type[Model], field: str, starts_with: str) -> dict[str, int]:
    """Highest serial per 12-digit prefix among numbers already in the register."""
    top: dict[str, int] = {}
    values = model.objects.filter(**{f"{field}__startswith": starts_with}).values_list(
        field, flat=True
    )
    for number in values.iterator(chunk_size=20000):
        prefix, serial = number[:12], number[12:]
        if serial.isdigit() and int(serial) > top.get(prefix, 0):
            top[prefix] = int(serial)
    return top


def raise_sequences(kind: str, used: dict[str, int]) -> int:
    """Moves existing NumberSequence rows past serials that were written without them.

    `services.next_serial` seeds a *new* sequence from the highest number in the register
    (its `floor`), but an *existing* sequence row is trusted as it is; so only prefixes that
    already have a row need raising. Returns how many rows were raised.
    """
    raised = 0
    for seq in NumberSequence.objects.filter(kind=kind).only("id", "prefix", "last_serial"):
        top = used.get(seq.prefix)
        if top is not None and top > seq.last_serial:
            NumberSequence.objects.filter(pk=seq.pk).update(
                last_serial=Greatest(F("last_serial"), top)
            )
            raised += 1
    return raised
