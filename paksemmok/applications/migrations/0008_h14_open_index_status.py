"""The open applications' two queue indexes also carry the status (`INCLUDE`).

The queue counts "not yet taken" by the status (in review exactly when claimed:
backoffice.models.Claim) instead of probing the claims once per application. With the status
in the index the tallies' walk of the first 1,001 open applications stays an index-only scan:
0.42 ms against 1.8 ms with the probes, at 1,000,000 applications with a tenth open (EXPLAIN
ANALYZE on the benchmark database).

On PostgreSQL each new index is built CONCURRENTLY under a temporary name, the old one is
dropped the same way and the new one takes its name, so no step blocks submissions and
decisions and the queue always has an index to walk (`atomic = False`). SQLite has no
INCLUDE: there the indexes are dropped and made again as they were.
"""

from django.db import migrations, models
from django.db.models import Q

OPEN = ("submitted", "in_review")


def _index(fields, include, name):
    return models.Index(fields=fields, include=include, condition=Q(status__in=OPEN), name=name)


QUEUE, SERVICE = "application_open_queue_idx", "application_open_service_idx"
BEFORE = {
    QUEUE: _index(["deadline_at", "id"], ["service"], QUEUE),
    SERVICE: _index(["service", "deadline_at", "id"], [], SERVICE),
}
AFTER = {
    QUEUE: _index(["deadline_at", "id"], ["service", "status"], QUEUE),
    SERVICE: _index(["service", "deadline_at", "id"], ["status"], SERVICE),
}


def _swap(to: dict, current: dict):
    def run(apps, schema_editor):
        model = apps.get_model("applications", "Application")
        for name, index in to.items():
            if schema_editor.connection.vendor != "postgresql":
                schema_editor.remove_index(model, current[name])
                schema_editor.add_index(model, index)
                continue
            building = models.Index(
                fields=index.fields,
                include=index.include,
                condition=index.condition,
                name=name.removesuffix("_idx") + "_new",
            )
            schema_editor.add_index(model, building, concurrently=True)
            schema_editor.remove_index(model, current[name], concurrently=True)
            schema_editor.rename_index(model, building, index)

    return run


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("applications", "0007_h14_covering_queue_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                op
                for name in (QUEUE, SERVICE)
                for op in (
                    migrations.RemoveIndex("application", name),
                    migrations.AddIndex("application", AFTER[name]),
                )
            ],
            database_operations=[
                migrations.RunPython(_swap(AFTER, BEFORE), _swap(BEFORE, AFTER), elidable=False)
            ],
        )
    ]
