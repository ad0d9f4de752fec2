"""A trigram index on residents' names for the staff look-up and the admin search.

PostgreSQL only (pg_trgm ships with PostgreSQL; trusted since 13, so the database owner may
create it): Django's `icontains` becomes `UPPER(full_name::text) LIKE UPPER('%...%')`, which
this GIN index serves instead of reading every resident. A no-op on SQLite, whose LIKE scan
is what a small single-regency deployment can afford.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS resident_name_trgm_idx ON population_resident "
    "USING gin ((UPPER(full_name::text)) gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS resident_name_trgm_idx"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("population", "0002_h11a_resident_birth_date_idx")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP), elidable=False)]
