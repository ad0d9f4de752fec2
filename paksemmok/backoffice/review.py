"""What a reviewer sees beside the application; shared by the review page and the staff API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from paksemmok.applications import rules
from paksemmok.applications.items import Item
from paksemmok.applications.models import Application
from paksemmok.audit.reads import audited_read
from paksemmok.catalog.fields import CHANGEABLE_FIELDS, changes_text, describe_changes, field_defs
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
        value = fdef.read(app.data)
        register: Any = None
        differs = False
        if fdef.kind == "changes":
            # Itemised: whose field, the register's value beside the new one (issue 15).
            items = describe_changes(value, subject)
            rows.append(
                {
                    "code": fdef.code,
                    "label": fdef.label,
                    "value": changes_text(items),
                    "register": "; ".join(
                        f"{c['member_name']}: {c['label']} {c['old'] or '—'}" for c in items
                    ),
                    "differs": any(c["differs"] for c in items),
                    "changes": items,
                }
            )
            continue
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
                "code": fdef.code,
                "label": fdef.label,
                "value": fdef.display(value),
                "register": "" if register is None else str(register),
                "differs": differs,
            }
        )
    return rows


def rereview(app: Application) -> dict[str, Any] | None:
    """What changed since the last return, for a resubmitted application: the itemised
    deficiencies that were asked (per item), the replaced files (old beside new), the
    corrected fields (old and new values) and the resident's note. None on a first look."""
    from paksemmok.applications.models import ApplicationDocument
    from paksemmok.applications.services import deficiency_display

    events = list(app.events.order_by("at", "id"))
    returned = [e for e in events if e.action == "returned"]
    if not returned:
        return None
    last = returned[-1]
    asked = deficiency_display(app, last.details.get("deficiencies", []))
    since = [e for e in events if (e.at, e.pk) > (last.at, last.pk)]
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for e in since:
        if e.action == "corrected":
            for code, value in e.details.get("before", {}).items():
                before.setdefault(code, value)
            after.update(e.details.get("after", {}))
    defs = {f.code: f for f in field_defs(app.variant.form_fields)}
    fields = [
        {
            "code": code,
            "label": defs[code].label if code in defs else code,
            "old": defs[code].display(before[code]) if code in defs else before[code],
            "new": defs[code].display(after.get(code)) if code in defs else after.get(code),
        }
        for code in before
    ]
    replaced = {
        d.requirement.code: d
        for d in ApplicationDocument.objects.filter(
            application=app, replaced_at__isnull=False, replaced_at__gte=last.at
        )
        .select_related("requirement")
        .order_by("replaced_at")
    }
    note = next((e.note for e in reversed(since) if e.action == "resubmitted" and e.note), "")
    return {
        "returned_at": last.at,
        "asked": asked,
        "asked_by_item": {a["code"]: a for a in asked},
        "fields": fields,
        "replaced": replaced,
        "note": note,
    }


def verdict_items(app: Application) -> list[str]:
    """What an officer must give a verdict on before approving: every file provided, and
    every answer that differs from the register or was asked to be corrected."""
    items = [
        Item.doc(d.requirement.code) for d in app.current_documents().select_related("requirement")
    ]
    corrected = {
        code
        for details in app.events.filter(action="corrected").values_list("details", flat=True)
        for code in details.get("fields", [])
    }
    items += [
        Item.field(r["code"])
        for r in register_differences(app)
        if r["differs"] or r["code"] in corrected
    ]
    return items


# What approving does to the register, said before the officer confirms (the effects
# themselves are issuance.effects.EFFECTS).
EFFECT_TEXT = {
    "akta-kelahiran": _(
        "Anak dicatat di register dan ditambahkan ke KK; terbit akta kelahiran dan KK versi baru."
    ),
    "akta-kematian": _(
        "Yang meninggal dicatat meninggal dan keluar dari KK; terbit akta "
        "kematian dan KK versi baru."
    ),
    "kk-kepala-meninggal": _("Kepala keluarga baru dicatat; terbit KK versi baru."),
    "kk-pisah": _("Anggota pindah ke KK baru; terbit dua KK."),
    "kk-keluarga-baru": _("KK baru dibuat; terbit KK baru."),
    "kk-perubahan-data": _("Data penduduk di register diubah; terbit KK versi baru."),
    "kk-hilang-rusak": _("Register tidak berubah; terbit cetak ulang KK."),
}


def approval_effects(app: Application) -> list[str]:
    """Plain sentences: the register changes and documents an approval will make."""
    lines = []
    for r in register_differences(app):
        if "changes" in r:
            lines += [
                _("%(label)s: %(old)s → %(new)s")
                % {
                    "label": f"{c['label']} ({c['member_name']})",
                    "old": c["old"] or "—",
                    "new": c["new"] or "—",
                }
                for c in r["changes"]
            ]
        elif r["differs"]:
            lines.append(
                _("%(label)s: %(old)s → %(new)s")
                % {"label": r["label"], "old": r["register"] or "—", "new": r["value"] or "—"}
            )
    text = EFFECT_TEXT.get(app.variant.code)
    if text is None and app.variant.code.startswith(("ektp", "kia")):
        text = _("Kartu dipesan untuk dicetak; pemohon diberi tahu saat siap diambil.")
    if text:
        lines.append(str(text))
    return lines


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
