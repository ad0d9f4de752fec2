"""The project's tables, read as they are (managed = False: the bare app never migrates)."""

from django.db import models

# Benchmark-only, unmanaged read models: no admin or shell shows them.
# ruff: noqa: DJ008


class Region(models.Model):
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=120)

    class Meta:
        managed = False
        db_table = "population_region"


class Family(models.Model):
    kk_number = models.CharField(max_length=16)
    address = models.CharField(max_length=200)
    village = models.ForeignKey(Region, models.DO_NOTHING)

    class Meta:
        managed = False
        db_table = "population_family"


class Resident(models.Model):
    nik = models.CharField(max_length=16)
    full_name = models.CharField(max_length=120)
    birth_date = models.DateField()
    relationship = models.CharField(max_length=20)
    life_status = models.CharField(max_length=12)
    village = models.ForeignKey(Region, models.DO_NOTHING)
    family = models.ForeignKey(Family, models.DO_NOTHING, null=True, related_name="members")

    class Meta:
        managed = False
        db_table = "population_resident"


class Application(models.Model):
    reference = models.CharField(max_length=20)
    status = models.CharField(max_length=12)
    deadline_at = models.DateTimeField(null=True)
    submitted_at = models.DateTimeField(null=True)

    class Meta:
        managed = False
        db_table = "applications_application"
