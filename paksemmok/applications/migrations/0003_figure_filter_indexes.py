"""Indexes for figures narrowed to one service, kecamatan or officer (bench/dashboard.py).

With only the foreign-key index on service_id (or kecamatan_id, officer_id), SQLite always
picks it for `service_id = ? AND decided_at BETWEEN ...` and reads every year of that
service; PostgreSQL does the same for officers (a BitmapAnd with all of an officer's rows).
Equality first, then the day range, keeps these figures to the rows of the period.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("applications", "0002_decision_facts")]

    operations = [
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["service", "first_submitted_at"],
                               name="application_service_day_idx"),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["kecamatan", "first_submitted_at"],
                               name="application_kecamatan_day_idx"),
        ),
        migrations.AddIndex(
            model_name="decision",
            index=models.Index(fields=["service", "decided_at"], name="decision_service_day_idx"),
        ),
        migrations.AddIndex(
            model_name="decision",
            index=models.Index(fields=["kecamatan", "decided_at"],
                               name="decision_kecamatan_day_idx"),
        ),
        migrations.AddIndex(
            model_name="decision",
            index=models.Index(fields=["officer", "decided_at"], name="decision_officer_day_idx"),
        ),
        migrations.AddIndex(
            model_name="decisionreason",
            index=models.Index(fields=["service", "decided_at"],
                               name="decision_reason_service_idx"),
        ),
    ]
