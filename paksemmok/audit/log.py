"""Writing the audit log. Call `record()` inside the transaction that makes the change."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEntry


def record(
    action: str,
    *,
    actor: Any = None,
    obj: models.Model | None = None,
    on_behalf_of: Any = None,
    purpose: str = "",
    details: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    """Appends one entry. `action` is a dotted code such as ``register.family.changed``.

    `obj`'s label comes from its ``__str__``, which for personal records masks NIK and
    No. KK, so the log itself does not spread identity numbers.
    """
    entry = unsaved(
        action,
        actor=actor,
        obj=obj,
        on_behalf_of=on_behalf_of,
        purpose=purpose,
        details=details,
        ip_address=ip_address,
    )
    entry.save()
    return entry


def record_many(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Appends entries built by `unsaved()` in one INSERT (a look-up that shows a whole KK
    logs each member read, at the cost of one statement)."""
    if any(e.pk is not None for e in entries):
        raise PermissionError("The audit log is append-only.")
    return AuditEntry.objects.bulk_create(entries)


def unsaved(
    action: str,
    *,
    actor: Any = None,
    obj: models.Model | None = None,
    on_behalf_of: Any = None,
    purpose: str = "",
    details: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    """The entry `record()` would append, not yet saved."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry(
        action=action,
        actor=actor,
        actor_label=actor.get_username() if actor is not None else "system",
        on_behalf_of=on_behalf_of,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=str(obj)[:200] if obj is not None else "",
        purpose=purpose[:200],
        details=details or {},
        ip_address=ip_address,
    )
