from django.db import migrations


def forward(apps, schema_editor):
    from paksemmok.catalog.seed import load

    load(apps)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
