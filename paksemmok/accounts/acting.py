"""A village helper acting for a resident (the assisted channel).

After the resident's one-time code, the helper's session carries the resident's account for
ACCOUNTS_ACTING_FOR_MINUTES. Views ask `current_subject(request)` whose data they work on,
and write audit entries with `audit_act()`, which always names both people: actor = helper,
on_behalf_of = resident.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from paksemmok.audit.ip import client_ip
from paksemmok.audit.log import record
from paksemmok.audit.models import AuditEntry

from .models import User

SESSION_KEY = "accounts_acting_for"


def begin(request: HttpRequest, account: User) -> dt.datetime:
    until = timezone.now() + dt.timedelta(minutes=settings.ACCOUNTS_ACTING_FOR_MINUTES)
    request.session[SESSION_KEY] = {
        "user": account.pk,
        "helper": request.user.pk,
        "until": until.timestamp(),
    }
    request.acting_for = account
    request.acting_until = until
    return until


def end(request: HttpRequest) -> User | None:
    """Stops acting; returns the resident the helper was acting for, if any."""
    account = get_acting_for(request)
    request.session.pop(SESSION_KEY, None)
    request.acting_for = None
    request.acting_until = None
    return account


def _load(request: HttpRequest) -> tuple[User | None, dt.datetime | None]:
    data = request.session.get(SESSION_KEY)
    if not data:
        return None, None
    user = request.user
    until = dt.datetime.fromtimestamp(data.get("until", 0), tz=dt.UTC)
    # The grant belongs to this helper's session only, and only while it lasts.
    if (
        not user.is_authenticated
        or user.pk != data.get("helper")
        or user.role != User.Role.HELPER
        or timezone.now() >= until
    ):
        request.session.pop(SESSION_KEY, None)
        return None, None
    account = (
        User.objects.filter(pk=data.get("user"), is_active=True, role=User.Role.RESIDENT)
        .select_related("resident")
        .first()
    )
    if account is None:
        request.session.pop(SESSION_KEY, None)
        return None, None
    return account, until


def get_acting_for(request: HttpRequest) -> User | None:
    if not hasattr(request, "acting_for"):
        request.acting_for, request.acting_until = _load(request)
    return request.acting_for


def current_subject(request: HttpRequest) -> Any:
    """Whose data this request works on: the resident being helped, else the user."""
    return get_acting_for(request) or request.user


def audit_act(
    request: HttpRequest,
    action: str,
    *,
    obj: models.Model | None = None,
    details: dict[str, Any] | None = None,
    purpose: str = "",
) -> AuditEntry:
    """Audits an act by the signed-in user, naming the resident when acting for one."""
    return record(
        action,
        actor=request.user,
        obj=obj,
        on_behalf_of=get_acting_for(request),
        purpose=purpose,
        details=details,
        ip_address=client_ip(request),
    )
