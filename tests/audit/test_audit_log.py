import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction

from paksemmok.audit.log import record
from paksemmok.audit.models import AuditEntry
from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


def test_record_masks_the_object_label(kudus):
    resident = ResidentFactory(full_name="Sri Wahyuni")
    entry = record("register.resident.viewed", obj=resident, purpose="APL-1")
    assert entry.object_type == "population.resident"
    assert entry.object_id == str(resident.pk)
    assert resident.nik not in entry.object_label
    assert entry.object_label.endswith(f"{resident.nik[:4]} **** **** {resident.nik[12:]})")
    assert entry.actor_label == "system"


def test_actor_is_kept_by_name():
    user = get_user_model().objects.create_user("operator1", password="x-Strong-123")
    entry = record("register.family.changed", actor=user)
    assert entry.actor == user and entry.actor_label == "operator1"


def test_entries_cannot_be_changed_or_deleted_through_the_orm():
    entry = record("register.family.changed")
    entry.action = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="rewritten")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


def test_the_database_refuses_raw_updates_and_deletes():
    entry = record("register.family.changed")
    for sql in (
        "UPDATE audit_auditentry SET action = 'x' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "register.family.changed"


def test_admin_offers_no_way_to_edit(admin_client):
    entry = record("register.family.changed")
    assert admin_client.get("/staf/admin/audit/auditentry/add/").status_code == 403
    url = f"/staf/admin/audit/auditentry/{entry.pk}/delete/"
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
