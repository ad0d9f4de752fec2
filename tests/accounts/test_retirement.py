"""An account that acted is deactivated, never deleted: the audit log keeps every row as it
was (issue 11: deleting such a user used to fail with an IntegrityError half-way)."""

from __future__ import annotations

import pytest
from django.db.models import ProtectedError

from paksemmok.accounts.models import User
from paksemmok.accounts.services.retirement import (
    AccountInUse,
    deactivate_user,
    delete_user,
)
from paksemmok.audit.log import record
from paksemmok.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def acted(db) -> User:
    user = User.objects.create_user(username="operator.lama", password="x", role="operator")
    record("backoffice.claim.taken", actor=user)
    return user


@pytest.fixture
def unused(db) -> User:
    return User.objects.create_user(username="salah.ketik", password="x", role="operator")


def audit_rows():
    return list(AuditEntry.objects.order_by("pk").values_list("pk", "actor_id", "actor_label"))


def test_the_admin_refuses_to_delete_an_account_that_acted(admin_client, acted):
    before = audit_rows()
    url = f"/staf/admin/accounts/user/{acted.pk}/delete/"
    for response in (admin_client.get(url), admin_client.post(url, {"post": "yes"})):
        assert response.status_code == 302
        assert response.url.endswith(f"/accounts/user/{acted.pk}/change/")
    page = admin_client.get(f"/staf/admin/accounts/user/{acted.pk}/change/").content.decode()
    assert "tidak dapat dihapus karena tercatat di log audit" in page
    assert "nonaktifkan akun ini saja" in page
    assert User.objects.filter(pk=acted.pk).exists()
    assert [row for row in audit_rows() if row in before] == before


def test_the_admin_deletes_an_account_that_never_acted(admin_client, unused):
    response = admin_client.post(f"/staf/admin/accounts/user/{unused.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=unused.pk).exists()
    entry = AuditEntry.objects.get(action="account.deleted")
    assert entry.details == {"username": "salah.ketik"}


def test_bulk_delete_is_not_offered(admin_client, acted):
    page = admin_client.get("/staf/admin/accounts/user/").content.decode()
    assert "delete_selected" not in page
    assert "deactivate" in page


def test_the_admin_deactivates_an_account_that_acted(admin_client, acted):
    before = audit_rows()
    response = admin_client.post(
        "/staf/admin/accounts/user/",
        {"action": "deactivate", "_selected_action": [acted.pk]},
    )
    assert response.status_code == 302
    acted.refresh_from_db()
    assert not acted.is_active
    assert AuditEntry.objects.filter(action="account.deactivated", object_id=str(acted.pk)).exists()
    assert audit_rows()[: len(before)] == before


def test_the_services_refuse_and_deactivate(acted, unused, admin_user):
    with pytest.raises(AccountInUse, match="log audit"):
        delete_user(acted, actor=admin_user)
    assert deactivate_user(acted, actor=admin_user) is True
    assert deactivate_user(acted, actor=admin_user) is False
    delete_user(unused, actor=admin_user)
    assert not User.objects.filter(pk=unused.pk).exists()


def test_a_deletion_around_the_services_stops_before_touching_the_log(acted):
    # PROTECT: refused up front in Python, on SQLite and PostgreSQL alike; before, SET_NULL
    # tried to UPDATE the append-only rows and the database aborted half-way.
    before = audit_rows()
    with pytest.raises(ProtectedError):
        acted.delete()
    assert audit_rows() == before
    assert User.objects.filter(pk=acted.pk).exists()
