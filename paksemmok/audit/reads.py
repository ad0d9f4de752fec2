"""Auditing staff reads of personal data (UU 27/2022 PDP: who read whose data, and why).

Every staff view that shows a resident's register data or files calls `audited_read()`
before rendering, with the purpose (usually the application's reference number):

    audited_read(request, resident, purpose=f"Permohonan {application.reference}")
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from .ip import client_ip
from .log import record, record_many, unsaved
from .models import AuditEntry

READ_ACTION = "personal_data.read"


def audited_read(
    request: HttpRequest,
    obj: models.Model,
    purpose: str,
    *,
    what: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Records that request.user read `obj` for `purpose`. A purpose is mandatory.

    `what` names the part read when it is not the whole record (e.g. a file's requirement
    code). Written in the request's transaction, like any other audit entry.
    """
    _check(request, purpose)
    return record(
        READ_ACTION,
        actor=request.user,
        obj=obj,
        purpose=str(purpose).strip(),
        details={"path": request.path, **({"what": what} if what else {}), **(details or {})},
        ip_address=client_ip(request),
    )


def audited_reads(
    request: HttpRequest,
    objs: list[models.Model],
    purpose: str,
    *,
    what: str = "",
    details: dict[str, Any] | None = None,
) -> list[AuditEntry]:
    """`audited_read()` of each of `objs` (one entry each), written in one INSERT."""
    _check(request, purpose)
    common = {"path": request.path, **({"what": what} if what else {}), **(details or {})}
    ip = client_ip(request)
    return record_many(
        [
            unsaved(
                READ_ACTION,
                actor=request.user,
                obj=obj,
                purpose=str(purpose).strip(),
                details=dict(common),
                ip_address=ip,
            )
            for obj in objs
        ]
    )


def _check(request: HttpRequest, purpose: str) -> None:
    if not str(purpose or "").strip():
        raise ValueError("audited_read() needs a purpose, such as the application reference.")
    if not request.user.is_authenticated:
        raise ValueError("audited_read() is for signed-in staff.")
