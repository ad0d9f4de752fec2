"""Conditions written into the SQL as constants, for queries served by partial indexes.

With server-side binding (settings `DB_SERVER_SIDE_BINDING`) psycopg prepares the statements
a connection runs often, and after five executions PostgreSQL may plan one once for all
values (a generic plan). A partial index such as the open applications' (`WHERE status IN
('submitted', 'in_review')`) serves only a query whose condition is provably inside that
predicate; `status IN ($1, $2)` is not, so the generic plan walks a full index and filters,
and its cost grows with the closed history (EXPLAIN EXECUTE at 1,000,000 applications: 7.6 ms
against 0.3 ms). The conditions here are rendered as SQL literals instead, so every plan,
generic or not, can use the partial index.

Only fixed codes from the code itself (status names, kinds) are accepted: anything else is
refused before it could reach the SQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models import F, Lookup

_CODE = re.compile(r"[A-Za-z0-9_]+\Z")


def _literal(value: object) -> str:
    text = str(value)
    if not _CODE.match(text):
        raise ValueError(f"not a fixed code: {text!r}")
    return f"'{text}'"


class InConstants(Lookup):
    """`field IN ('a', 'b')` with the values in the SQL text, not bound as parameters."""

    lookup_name = "in_constants"
    prepare_rhs = False

    def __init__(self, lhs: object, rhs: Iterable[object]) -> None:
        values = tuple(rhs)
        if not values:
            raise ValueError("in_constants needs at least one value")
        for value in values:
            _literal(value)
        super().__init__(lhs, values)

    def as_sql(self, compiler, connection):  # type: ignore[no-untyped-def]
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} IN ({constants_sql(self.rhs)})", params


def constants_sql(values: Iterable[object]) -> str:
    """`'a', 'b'`: fixed codes as SQL literals, for a hand-written statement's IN list."""
    literals = [_literal(v) for v in values]
    if not literals:
        raise ValueError("constants_sql needs at least one value")
    return ", ".join(literals)


def in_constants(field: str, values: Iterable[object]) -> InConstants:
    """A filter for `QuerySet.filter()`: `field` is one of these fixed codes."""
    return InConstants(F(field), values)
