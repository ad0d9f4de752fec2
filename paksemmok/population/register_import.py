"""Loading an existing population register from a CSV file (layout: docs/register-import.md).

All or nothing: every row is checked first, and a single error loads nothing. Problems are
reported per row and column, in the words staff use ("Baris 12, kolom nik: ..."). What a NIK
implies but the row contradicts (birth date, sex) and a member living away from the KK's
address are warnings only: both happen in real registers (domain.md, "Identifiers").
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from paksemmok.audit.log import record

from . import bulk
from .models import Family, NumberSequence, Relationship, Resident
from .register_row import COLUMNS, OPTIONAL, RowContext, RowForm

IMPORT_REASON = "Impor register"


@dataclass
class Problem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("Baris %(line)s, kolom %(column)s: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        return _("Baris %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ImportReport:
    rows: int = 0
    families: int = 0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    loaded: bool = False


class _Row(dict[str, Any]):
    line: int


def _read(source: str | Path | io.TextIOBase) -> tuple[list[str], list[_Row]]:
    if isinstance(source, str | Path):
        with open(source, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    else:
        text = source.read()
        text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    # Spreadsheets set to Indonesian save CSV with semicolons, because the comma is the
    # decimal separator there.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    rows: list[_Row] = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        row = _Row(zip(header, (v.strip() for v in values), strict=False))
        for column in OPTIONAL:
            row.setdefault(column, "")
        row.line = reader.line_num
        row["_width"] = len(values)
        rows.append(row)
    return header, rows


def validate(source: str | Path | io.TextIOBase) -> tuple[ImportReport, list[dict[str, Any]]]:
    """Checks the whole file; returns the report and the cleaned rows (use only if no errors)."""
    report = ImportReport()
    header, rows = _read(source)
    report.rows = len(rows)
    missing = [c for c in COLUMNS if c not in header and c not in OPTIONAL]
    if missing:
        report.errors.append(
            Problem(
                1, "", _("Kolom wajib tidak ada: %(columns)s.") % {"columns": ", ".join(missing)}
            )
        )
        return report, []
    if not rows:
        report.errors.append(Problem(1, "", _("Berkas tidak berisi data penduduk.")))
        return report, []
    context = RowContext.load(timezone.localdate())
    cleaned: list[dict[str, Any]] = []
    for row in rows:
        if row["_width"] != len(header):
            message = _("Jumlah kolom %(found)s, seharusnya %(expected)s.") % {
                "found": row["_width"],
                "expected": len(header),
            }
            report.errors.append(Problem(row.line, "", message))
            continue
        form = RowForm(row, row.line, context)
        form.is_valid()
        report.errors += [Problem(row.line, c, m) for c, m in form.problems()]
        report.warnings += [Problem(row.line, c, m) for c, m in form.warnings]
        cleaned.append(form.row())
    _check_database(cleaned, report)
    _check_families(cleaned, report)
    report.families = len({r["kk_number"] for r in cleaned})
    report.errors.sort(key=lambda p: p.line)
    report.warnings.sort(key=lambda p: p.line)
    return report, cleaned


def _in_batches(values: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _check_database(rows: list[dict[str, Any]], report: ImportReport) -> None:
    niks = [r["nik"] for r in rows if r["nik"]]
    taken: set[str] = set()
    for batch in _in_batches(niks):
        taken.update(Resident.objects.filter(nik__in=batch).values_list("nik", flat=True))
    kks = sorted({r["kk_number"] for r in rows if r["kk_number"]})
    taken_kk: set[str] = set()
    for batch in _in_batches(kks):
        taken_kk.update(
            Family.objects.filter(kk_number__in=batch).values_list("kk_number", flat=True)
        )
    for row in rows:
        if row["nik"] in taken:
            report.errors.append(Problem(row["line"], "nik", _("NIK sudah terdaftar di register.")))
        if row["kk_number"] in taken_kk:
            report.errors.append(
                Problem(
                    row["line"],
                    "kk_number",
                    _(
                        "Nomor KK sudah terdaftar; perubahan KK yang ada lewat layanan KK, bukan impor."  # noqa: E501
                    ),
                )
            )


def _check_families(rows: list[dict[str, Any]], report: ImportReport) -> None:
    families: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["kk_number"]:
            families[row["kk_number"]].append(row)
    for kk, members in families.items():
        heads = [m for m in members if m.get("relationship") == Relationship.HEAD]
        if not heads:
            report.errors.append(
                Problem(
                    members[0]["line"],
                    "relationship",
                    _("KK %(kk)s tidak punya kepala keluarga (kepala).") % {"kk": kk},
                )
            )
            continue
        for extra in heads[1:]:
            report.errors.append(
                Problem(
                    extra["line"],
                    "relationship",
                    _("KK %(kk)s sudah punya kepala keluarga di baris %(line)s.")
                    % {"kk": kk, "line": heads[0]["line"]},
                )
            )
        head = heads[0]
        for member in members:
            if member is head:
                continue
            for column in ("village", "address", "rt", "rw"):
                if member[column] != head[column]:
                    name = "village_code" if column == "village" else column
                    report.warnings.append(
                        Problem(
                            member["line"],
                            name,
                            _(
                                "Berbeda dengan alamat kepala keluarga (baris %(line)s); alamat KK "
                                "diambil dari kepala keluarga."
                            )
                            % {"line": head["line"]},
                        )
                    )


def import_register(
    source: str | Path | io.TextIOBase, *, actor: Any = None, name: str = ""
) -> ImportReport:
    """Validates and, only when there is no error, loads the file in one transaction."""
    report, rows = validate(source)
    if report.errors:
        return report
    writer = bulk.BulkWriter()
    families: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        families[row["kk_number"]].append(row)
    with transaction.atomic():
        writer.lock_tables()
        # Checked again inside the lock: another import may have landed since validation.
        _check_database(rows, report)
        if report.errors:
            return report
        new = bulk.NewFamilies(writer.next_ids(), writer.now(), IMPORT_REASON)
        for kk, members in families.items():
            head = next(i for i, m in enumerate(members) if m["relationship"] == Relationship.HEAD)
            village_code = members[head]["village"].code
            new.add(kk, [_member(m) for m in members], village_code, head)
        residents, kks = len(new.residents), len(new.families)
        new.write(writer)
        writer.finish()
        bulk.raise_sequences(NumberSequence.Kind.NIK, _top_serials(r["nik"] for r in rows))
        bulk.raise_sequences(NumberSequence.Kind.KK, _top_serials(families))
        record(
            "register.imported",
            actor=actor,
            details={
                "file": name,
                "residents": residents,
                "families": kks,
                "warnings": len(report.warnings),
            },
        )
    report.loaded = True
    return report


def _member(row: dict[str, Any]) -> dict[str, Any]:
    """A checked row as `bulk.NewFamilies` takes a resident."""
    derived = {
        "birth_date": row["birth_date"].isoformat(),
        "village_id": row["village"].id,
        "death_date": None,
    }
    return {name: derived[name] if name in derived else row[name] for name in bulk.MEMBER_FIELDS}


def _top_serials(numbers: Iterable[str]) -> dict[str, int]:
    top: dict[str, int] = {}
    for number in numbers:
        prefix, serial = number[:12], int(number[12:])
        if serial > top.get(prefix, 0):
            top[prefix] = serial
    return top
