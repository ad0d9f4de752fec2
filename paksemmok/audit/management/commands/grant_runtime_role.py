"""Grants a PostgreSQL runtime role what the running application needs, and no more on the
audit log: SELECT and INSERT on audit_auditentry, never UPDATE, DELETE or TRUNCATE.

Two roles (docs/security.md, "Database roles"):

* the owner role owns the schema and the tables; `migrate` runs as it (and this command);
* the runtime role is what web processes and the worker connect as (DATABASE_URL). It owns
  nothing, so it cannot ALTER a table or DISABLE its trigger, and has no TRUNCATE: even raw
  SQL from a compromised process cannot rewrite the audit log.

Run after every `migrate` (new tables need their grants):

    manage.py grant_runtime_role paksemmok_app
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg import sql

from paksemmok.audit.models import AuditEntry


def grant_statements(role: str, schema: str = "public") -> list[sql.Composed]:
    r, s = sql.Identifier(role), sql.Identifier(schema)
    audit = sql.Identifier(AuditEntry._meta.db_table)
    return [
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(s, r),
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(s, r),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}").format(
            s, r
        ),
        sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {} TO {}").format(s, r),
        # The audit log: append and read only.
        sql.SQL("REVOKE ALL ON {}.{} FROM {}").format(s, audit, r),
        sql.SQL("GRANT SELECT, INSERT ON {}.{} TO {}").format(s, audit, r),
    ]


class Command(BaseCommand):
    help = "Grants the runtime database role its rights (read/append only on the audit log)."

    def add_arguments(self, parser):
        parser.add_argument("role")
        parser.add_argument("--schema", default="public")

    def handle(self, *args, role: str, schema: str, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are for PostgreSQL; SQLite has none.")
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in grant_statements(role, schema):
                cursor.execute(statement)
        self.stdout.write(f"Hak peran {role} diatur (log audit: hanya SELECT dan INSERT).")
