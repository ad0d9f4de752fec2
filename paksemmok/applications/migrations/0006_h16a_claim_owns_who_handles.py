"""Who handles an application is backoffice.Claim alone: `Application.assigned_to` goes.

An application in review whose officer has no claim (rows written around the services, such
as generated history) gets one, so it keeps its officer until the idle-claim job releases it
the usual way (audited, back to "waiting")."""

from django.db import migrations


def claims_from_assignments(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    Claim = apps.get_model("backoffice", "Claim")
    unclaimed = Application.objects.filter(
        status="in_review", assigned_to__isnull=False, claim__isnull=True
    ).values_list("pk", "assigned_to_id", "updated_at")
    Claim.objects.bulk_create(
        [
            Claim(application_id=pk, officer_id=officer, claimed_at=at, last_seen_at=at)
            for pk, officer, at in unclaimed.iterator(chunk_size=2000)
        ],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0005_h14_open_queue_index"),
        ("backoffice", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(claims_from_assignments, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="application", name="assigned_to"),
    ]
