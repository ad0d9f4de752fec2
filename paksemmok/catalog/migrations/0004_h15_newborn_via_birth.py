"""The KK data-change variant no longer promises to add a child: a newborn joins the KK
through its birth registration (issue 15). Existing catalogues get the new texts."""

from django.db import migrations


def forwards(apps, schema_editor):
    from paksemmok.catalog.seed import (
        CHANGE_EVIDENCE_HELP,
        NEWBORN_NOTE,
        NEWBORN_NOTE_VARIANT_NAME,
    )

    Variant = apps.get_model("catalog", "Variant")
    Requirement = apps.get_model("catalog", "Requirement")
    Variant.objects.filter(code="kk-perubahan-data").update(
        name=NEWBORN_NOTE_VARIANT_NAME, help_text=NEWBORN_NOTE
    )
    Requirement.objects.filter(variant__code="kk-perubahan-data", code="bukti_perubahan").update(
        help_text=CHANGE_EVIDENCE_HELP
    )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_h11a_document_texts")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
