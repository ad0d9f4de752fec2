"""Ending an account: deactivation always, deletion only for an account that never acted.

The audit log is append-only and names its actor by foreign key (with the name kept as text
beside it), so an account that appears in it cannot be deleted without rewriting history:
such an account is deactivated instead. AuditEntry's actor keys are PROTECT, so even a
deletion that bypasses this module (a shell, a script) stops with a ProtectedError before
any row changes, never half-way on the database's append-only trigger.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from paksemmok.audit.log import record
from paksemmok.audit.models import AuditEntry

from ..errors import AccountError
from ..models import User
from .sessions import sign_out_everywhere


class AccountInUse(AccountError):
    """The account has acted or is referred to by records that must stay."""


def has_acted(user: User) -> bool:
    """Whether the audit log names the account as actor or as the one acted for."""
    return AuditEntry.objects.filter(Q(actor=user) | Q(on_behalf_of=user)).exists()


def deletion_refusal(user: User) -> str | None:
    """Why `user` may not be deleted (an Indonesian sentence for the admin), or None."""
    if has_acted(user):
        return _(
            "Akun %(name)s tidak dapat dihapus karena tercatat di log audit (pernah bertindak "
            "atau ditindaklanjuti). Log audit tidak boleh diubah; nonaktifkan akun ini saja."
        ) % {"name": user.get_username()}
    # Applications are a layer above accounts: asked through the reverse relations.
    if user.applications.exists() or user.filed_applications.exists():
        return _("Akun %(name)s tidak dapat dihapus karena punya permohonan; nonaktifkan saja.") % {
            "name": user.get_username()
        }
    return None


@transaction.atomic
def deactivate_user(user: User, *, actor: Any, ip_address: str | None = None) -> bool:
    """Closes the account for good: no sign-in, no sessions left; its records stay as they
    are. Returns False if it was already inactive."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        return False
    user.is_active = False
    user.save(update_fields=["is_active"])
    sign_out_everywhere(user, actor=actor, ip_address=ip_address)
    record("account.deactivated", actor=actor, obj=user, ip_address=ip_address)
    return True


@transaction.atomic
def delete_user(user: User, *, actor: Any, ip_address: str | None = None) -> None:
    """Deletes an account that never acted; refuses (AccountInUse) any other."""
    refusal = deletion_refusal(user)
    if refusal:
        raise AccountInUse(refusal)
    label = user.get_username()
    record("account.deleted", actor=actor, details={"username": label}, ip_address=ip_address)
    user.delete()
