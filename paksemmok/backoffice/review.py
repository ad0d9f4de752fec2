"""What a reviewer sees beside the application; shared by the review page and the staff API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from paksemmok.applications import rules
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


def review_findings(request: HttpRequest, app: Application) -> dict[str, Any]:
    """The register rules' warnings (e.g. the parents are on different KKs) and the
    "possible duplicates" panel: residents anywhere in the regency born the same day with a
    near name (Indonesian name comparison, population.names). Each resident shown is an
    audited read. Shared by the review page and the staff API."""
    found_warnings = rules.warnings(rules.check_application(app))
    rows = []
    for match in rules.possible_duplicates(app.data, app.family):
        person = match.resident
        audited_read(request, person, f"Permohonan {app.reference}", what="possible_duplicate")
        village = person.village
        rows.append(
            {
                "resident_id": person.pk,
                "nik": person.nik,
                "full_name": person.full_name,
                "birth_date": person.birth_date,
                "mother_name": person.mother_name,
                "father_name": person.father_name,
                "village": f"{village.name}, {village.parent.name}" if village.parent else "",
                "kk_number": person.family.kk_number if person.family_id else "",
                "life_status": person.get_life_status_display(),
                "score": match.score,
                "same_family": match.same_family,
                "same_mother": match.same_mother,
            }
        )
    return {
        "warnings": [v.as_dict() for v in found_warnings],
        "duplicates": rows,
    }
