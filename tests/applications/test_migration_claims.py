"""Migration 0006_h16a: an application in review whose officer had only `assigned_to` (no
claim) keeps its officer as a claim; the column then goes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("applications", "0005_h14_open_queue_index")]
AFTER = [("applications", "0006_h16a_claim_owns_who_handles")]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def test_assignments_without_a_claim_become_claims(family, agus_user, budi):
    from tests.cast import submitted

    waiting = submitted(agus_user, "ektp-cetak", family.agus, {"pickup_place": "dinas"})
    held = submitted(agus_user, "ektp-cetak", family.rina, {"pickup_place": "dinas"})
    try:
        old = migrate(BEFORE)
        Application = old.get_model("applications", "Application")
        Application.objects.filter(pk=held.pk).update(
            status="in_review", assigned_to_id=budi.pk, updated_at=timezone.now()
        )
        new = migrate(AFTER)
        Claim = new.get_model("backoffice", "Claim")
        assert list(Claim.objects.values_list("application_id", "officer_id")) == [
            (held.pk, budi.pk)
        ]
        assert not Claim.objects.filter(application_id=waiting.pk).exists()
        columns = [
            c.name
            for c in connection.introspection.get_table_description(
                connection.cursor(), "applications_application"
            )
        ]
        assert "assigned_to_id" not in columns
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
