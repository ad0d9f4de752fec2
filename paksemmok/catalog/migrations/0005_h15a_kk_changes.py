"""A KK data change carries several changes (issue 15): the variant asks for rows of member,
field and new value ("changes") instead of one "changed_field"/"new_value" pair. Answers
stored in the older shape stay readable (catalog.fields.kk_changes reads both). A change of
education or of marital status asks for its own evidence (condition changes_<field>)."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    from paksemmok.catalog.seed import CHANGE_EVIDENCE_HELP, KK_CHANGE_EVIDENCE, KK_CHANGE_FIELDS

    Variant = apps.get_model("catalog", "Variant")
    Requirement = apps.get_model("catalog", "Requirement")
    Variant.objects.filter(code="kk-perubahan-data").update(form_fields=KK_CHANGE_FIELDS)
    Requirement.objects.filter(variant__code="kk-perubahan-data", code="bukti_perubahan").update(
        help_text=CHANGE_EVIDENCE_HELP
    )
    # Each change's own evidence, after the general proof (order 1): ijazah, marriage papers.
    variant = Variant.objects.filter(code="kk-perubahan-data").first()
    if variant is None:
        return
    Requirement.objects.filter(variant=variant, order__gte=2).update(order=models.F("order") + 2)
    for i, r in enumerate(KK_CHANGE_EVIDENCE):
        Requirement.objects.update_or_create(
            variant=variant, code=r["code"], defaults={**r, "order": 2 + i}
        )


def backwards(apps, schema_editor):
    Variant = apps.get_model("catalog", "Variant")
    Requirement = apps.get_model("catalog", "Requirement")
    Requirement.objects.filter(
        variant__code="kk-perubahan-data", code__in=["ijazah", "dokumen_perkawinan"]
    ).delete()
    Variant.objects.filter(code="kk-perubahan-data").update(
        form_fields=["changed_field", "new_value", "reason"]
    )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_h15_newborn_via_birth")]

    operations = [migrations.RunPython(forwards, backwards)]
