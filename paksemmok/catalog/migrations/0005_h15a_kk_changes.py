"""A KK data change carries several changes (issue 15): the variant asks for rows of member,
field and new value ("changes") instead of one "changed_field"/"new_value" pair. Answers
stored in the older shape stay readable (catalog.fields.kk_changes reads both)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from paksemmok.catalog.seed import CHANGE_EVIDENCE_HELP, KK_CHANGE_FIELDS

    Variant = apps.get_model("catalog", "Variant")
    Requirement = apps.get_model("catalog", "Requirement")
    Variant.objects.filter(code="kk-perubahan-data").update(form_fields=KK_CHANGE_FIELDS)
    Requirement.objects.filter(variant__code="kk-perubahan-data", code="bukti_perubahan").update(
        help_text=CHANGE_EVIDENCE_HELP
    )


def backwards(apps, schema_editor):
    Variant = apps.get_model("catalog", "Variant")
    Variant.objects.filter(code="kk-perubahan-data").update(
        form_fields=["changed_field", "new_value", "reason"]
    )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_h15_newborn_via_birth")]

    operations = [migrations.RunPython(forwards, backwards)]
