"""On PostgreSQL the runtime role (what the application connects as) cannot change the audit
log even with raw SQL: no TRUNCATE, no DELETE, no ALTER/DISABLE TRIGGER. It can still append."""

from __future__ import annotations

import uuid

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from paksemmok.audit.log import record
from paksemmok.audit.models import AuditEntry

pytestmark = pytest.mark.postgres


@pytest.fixture
def runtime_role(db):
    if connection.vendor != "postgresql":
        pytest.skip("database roles are tested on PostgreSQL")
    role = f"test_runtime_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
    call_command("grant_runtime_role", role)
    yield role
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')


def as_role(role: str, statement: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{role}"')
        cursor.execute(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE audit_auditentry",
        "DELETE FROM audit_auditentry",
        "UPDATE audit_auditentry SET action = 'x'",
        "ALTER TABLE audit_auditentry DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_entry_no_update ON audit_auditentry",
        "ALTER TABLE audit_auditentry OWNER TO CURRENT_USER",
    ],
)
def test_runtime_role_cannot_change_the_audit_log(runtime_role, statement):
    record("test.kept")
    with pytest.raises(DatabaseError, match=r"permission denied|must be owner"):
        as_role(runtime_role, statement)
    assert AuditEntry.objects.filter(action="test.kept").count() == 1


def test_runtime_role_appends_and_reads_and_works_on_other_tables(runtime_role):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{runtime_role}"')
        record("test.appended")
        assert AuditEntry.objects.filter(action="test.appended").exists()
        cursor.execute("UPDATE django_session SET expire_date = expire_date WHERE false")
        cursor.execute("DELETE FROM django_session WHERE false")
