"""What a reviewer sees beside the application; shared by the review page and the staff API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from paksemmok.applications.models import Application
from paksemmok.audit.reads import audited_read
from paksemmok.catalog.fields import CHANGEABLE_FIELDS, field_defs
from paksemmok.population.models import Resident

from . import services
from .models import Claim


def open_review(request: HttpRequest, app: Application) -> Claim | None:
    """What opening an application for review does, page or API: the three audited reads
    (the application, the subject's register record, the KK's members) before anything is
    shown, and the holder's claim kept alive. Returns the current claim, if any."""
    purpose = f"Permohonan {app.reference}"
    audited_read(request, app, purpose, what="application")
    if app.subject_id:
        audited_read(request, app.subject, purpose, what="register")
    audited_read(request, app.family, purpose, what="kk_members")
    holder = Claim.objects.select_related("officer").filter(application=app).first()
    if holder is not None and holder.officer_id == request.user.pk:
        services.touch_claim(app, request.user)
    return holder


def register_differences(app: Application) -> list[dict[str, Any]]:
    """The application's answers beside the register, differing ones flagged."""
    rows = []
    subject, family = app.subject, app.family
    for fdef in field_defs(app.variant.form_fields):
        value = app.data.get(fdef.code)
        register: Any = None
        differs = False
        if fdef.code in ("address", "rt", "rw"):
            register = getattr(family, fdef.code)
            differs = str(register) != str(value or "")
        elif fdef.code == "new_value" and subject is not None:
            changed = app.data.get("changed_field", "")
            if changed in dict(CHANGEABLE_FIELDS):
                display = getattr(subject, f"get_{changed}_display", None)
                register = display() if callable(display) else getattr(subject, changed, "")
                differs = str(register) != str(value or "")
        elif fdef.kind == "nik" and value:
            person = Resident.objects.filter(nik=value).first()
            if person is None:
                register, differs = _("tidak terdaftar"), True
            else:
                where = _("di KK ini") if person.family_id == family.pk else _("di KK lain")
                register = f"{person.full_name} ({where})"
        rows.append(
            {
                "label": fdef.label,
                "value": fdef.display(value),
                "register": "" if register is None else str(register),
                "differs": differs,
            }
        )
    return rows
