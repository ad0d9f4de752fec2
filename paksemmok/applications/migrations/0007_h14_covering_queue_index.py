"""The open applications' deadline index also carries the service (`INCLUDE`).

The queue's tallies count the first 1,001 open applications in deadline order by service.
With the service only in the table, PostgreSQL visited a heap page for nearly each of them:
at 1,000,000 applications with a year's backlog open, 993 pages for 1,001 rows, 2.5-3.7 ms,
and 28 ms when those pages were not cached. With the service in the index it is an index-only
scan: 8 pages, 1.35-1.7 ms (EXPLAIN ANALYZE on the benchmark database). So the count no longer
depends on where the open rows happen to lie, and the queue at 1M costs what it does at 10k.

On PostgreSQL the new index is built CONCURRENTLY before the old one is dropped the same way,
so neither step blocks submissions and decisions (`atomic = False`). Elsewhere (SQLite, which
has no INCLUDE) it is a plain rename of the same index.
"""

from django.db import migrations, models
from django.db.models import Q

OPEN = ("submitted", "in_review")
OLD = models.Index(
    fields=["deadline_at", "id"], condition=Q(status__in=OPEN), name="application_open_deadline_idx"
)
NEW = models.Index(
    fields=["deadline_at", "id"],
    include=["service"],
    condition=Q(status__in=OPEN),
    name="application_open_queue_idx",
)


def _swap(add: models.Index, remove: models.Index):
    def run(apps, schema_editor):
        model = apps.get_model("applications", "Application")
        if schema_editor.connection.vendor == "postgresql":
            # Add first: the queue always has an index to walk.
            schema_editor.add_index(model, add, concurrently=True)
            schema_editor.remove_index(model, remove, concurrently=True)
        else:
            schema_editor.add_index(model, add)
            schema_editor.remove_index(model, remove)

    return run


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("applications", "0006_h16a_claim_owns_who_handles")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex("application", OLD.name),
                migrations.AddIndex("application", NEW),
            ],
            database_operations=[
                migrations.RunPython(_swap(NEW, OLD), _swap(OLD, NEW), elidable=False)
            ],
        )
    ]
