"""The resident's pages. Thin: read, call a service function, show the result."""

from __future__ import annotations

import datetime as dt
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from paksemmok.accounts.acting import audit_act, current_subject
from paksemmok.audit.reads import audited_read
from paksemmok.catalog.fields import changes_text, describe_changes, field_defs
from paksemmok.catalog.models import Requirement, Service, Variant
from paksemmok.population.services import living_members
from paksemmok.storage import StorageUnavailable

from . import services
from .access import resident_may_view, resident_side, staff_may_view
from .checks import SubmissionRejected, answers, check_application, check_subject, group
from .files import stored_file_response
from .forms import ApplicationDataForm, CancelForm
from .items import SUBJECT_ITEM, Item, field_codes
from .lifecycle import Action, ApplicationError, Status, allowed
from .models import Application, ApplicationDocument
from .queries import applications_of, subject_for, subjects_for
from .uploads import UploadRejected


def _application(request: HttpRequest, reference: str) -> Application:
    app = get_object_or_404(
        Application.objects.select_related(
            "variant", "service", "subject", "family", "applicant", "filed_by"
        ),
        reference=reference,
    )
    if not resident_may_view(request.user, request.subject_user, app):
        raise Http404
    return app


def time_left_label(app: Application, now: dt.datetime | None = None) -> str:
    left = app.time_left(now)
    if left is None:
        return ""
    if left.total_seconds() <= 0:
        return _("Melewati batas waktu; petugas sedang menyelesaikannya.")
    hours, rest = divmod(int(left.total_seconds()), 3600)
    return _("Sisa waktu %(h)s jam %(m)s menit") % {"h": hours, "m": rest // 60}


def _slots(
    app: Application,
    problems: dict[str, list] | None = None,
    errors: dict[str, str] | None = None,
    only: Requirement | None = None,
) -> list[dict[str, Any]]:
    given = answers(app.data)
    documents = app.current_documents()
    if only is not None:
        documents = documents.filter(requirement=only)
    current = {d.requirement_id: d for d in documents}
    deficient = app.deficient_items() if app.status == Status.RETURNED else None
    slots = []
    for r in [only] if only is not None else app.variant.requirements.all():
        # `only`: the one slot an upload answers with, even if a newer answer hid it.
        if (only is not None and r.pk != only.pk) or (only is None and not r.applies(given)):
            continue
        code = Item.doc(r.code)
        slots.append(
            {
                "requirement": r,
                "document": current.get(r.pk),
                "needed": r.needed(given),
                "editable": allowed(app.status, Action.EDIT)
                and (deficient is None or code in deficient),
                "flagged": deficient is not None and code in deficient,
                "problems": (problems or {}).get(code, []),
                "error": (errors or {}).get(r.code, ""),
                "app": app,
            }
        )
    return slots


def _deficiencies(app: Application) -> list[dict[str, str]]:
    return services.deficiency_display(app, app.deficiencies)


# --- listing and starting ----------------------------------------------------------------


@never_cache
@resident_side
def mine(request: HttpRequest) -> HttpResponse:
    apps = list(applications_of(request.subject_user))
    now = timezone.now()
    for app in apps:
        app.time_left_label = time_left_label(app, now)
    return render(request, "applications/mine.html", {"applications": apps})


@resident_side
def start(request: HttpRequest) -> HttpResponse:
    active = Variant.objects.filter(is_active=True)
    return render(
        request,
        "applications/start.html",
        {
            "services": Service.objects.filter(is_active=True).prefetch_related(
                Prefetch("variants", queryset=active)
            ),
        },
    )


def _subject_choices(variant: Variant, members: list, subject_user: Any) -> list[dict[str, Any]]:
    if variant.subject == Variant.Subject.NEWBORN:
        return [
            {
                "value": "newborn",
                "label": _("Anak yang baru lahir"),
                "problems": check_subject(variant, None, subject_user),
            }
        ]
    return [
        {
            "value": member.pk,
            "label": member.full_name,
            "member": member,
            "problems": check_subject(variant, member, subject_user),
        }
        for member in members
    ]


def _only_choice(variant: Variant, choices: list[dict[str, Any]]) -> str:
    """The one person on the KK, when eligible: no screen with one button (issue 15). Not
    when others are listed as not eligible: their reasons (e.g. perekaman first) are what the
    screen tells. create_draft resumes this person's draft, so a repeated GET starts nothing
    new. (The newborn's one button is posted from the start page.)"""
    if variant.subject == Variant.Subject.NEWBORN or len(choices) != 1 or choices[0]["problems"]:
        return ""
    return str(choices[0]["value"])


def _start_draft(
    request: HttpRequest, variant: Variant, members: list, choice: str
) -> tuple[list, Application | None]:
    subject = None
    if choice != "newborn":
        # Only a member of the applicant's own KK can be chosen; anything else is refused
        # by the same check as at submission.
        subject = subject_for(request.subject_user, choice)
        if subject is None:
            return [_("Pilih anggota keluarga yang dimohonkan.")], None
    try:
        app = services.create_draft(
            applicant=request.subject_user, variant=variant, subject=subject, filed_by=request.user
        )
    except SubmissionRejected as exc:
        return exc.problems, None
    return [], app


@never_cache
@resident_side
def choose_subject(request: HttpRequest, variant_code: str) -> HttpResponse:
    variant = get_object_or_404(
        Variant.objects.select_related("service"), code=variant_code, is_active=True
    )
    subject_user = request.subject_user
    members = subjects_for(subject_user)
    problems: list = []
    choices = None
    if request.method == "POST":
        choice = request.POST.get("subject", "")
    else:
        choices = _subject_choices(variant, members, subject_user)
        choice = _only_choice(variant, choices)
    if choice or request.method == "POST":
        problems, app = _start_draft(request, variant, members, choice)
        if app is not None:
            return redirect("applications:edit", app.reference)
    if choices is None:
        choices = _subject_choices(variant, members, subject_user)
    return render(
        request,
        "applications/choose_subject.html",
        {
            "variant": variant,
            "choices": choices,
            "problems": problems,
        },
        status=422 if problems else 200,
    )


# --- the form, uploads, review ----------------------------------------------------------


def _editable_fields(app: Application) -> set[str] | None:
    if app.status != Status.RETURNED:
        return None
    return field_codes(app.deficient_items())


@never_cache
@resident_side
def edit(request: HttpRequest, reference: str) -> HttpResponse:
    app = _application(request, reference)
    if not allowed(app.status, Action.EDIT):
        return redirect("applications:detail", app.reference)
    editable = _editable_fields(app)
    form = ApplicationDataForm(
        app.variant,
        request.POST or None,
        initial=ApplicationDataForm.initial_from(app.data),
        editable=editable,
        members=[(m.nik, m.full_name) for m in living_members(app.family)],
    )
    autosave = request.headers.get("X-Autosave") == "1"
    if request.method == "POST":
        if form.is_valid():
            # A field absent from the POST is left alone (a client may send only what
            # changed), except a checkbox: browsers omit unticked ones (Django's checkbox
            # widget never counts as omitted). The rows of KK changes come as changes-N-*.
            data = {
                k: v
                for k, v in form.cleaned_data.items()
                if (editable is None or k in editable)
                and not form.fields[k].widget.value_omitted_from_data(request.POST, {}, k)
            }
            try:
                services.save_draft(app, data=data, actor=request.user)
            except ApplicationError as exc:
                if autosave:
                    return JsonResponse({"ok": False, "error": str(exc)}, status=409)
                form.add_error(None, str(exc))
            else:
                if autosave:
                    return JsonResponse({"ok": True, "saved": _("Draf tersimpan")})
                if "review" in request.POST:
                    return redirect("applications:review", app.reference)
                messages.success(
                    request,
                    _(
                        "Draf tersimpan. Anda dapat melanjutkannya "
                        "kapan saja, juga dari perangkat lain."
                    ),
                )
                return redirect("applications:edit", app.reference)
        elif autosave:
            return JsonResponse({"ok": False, "errors": form.errors}, status=422)
    return render(
        request,
        "applications/edit.html",
        {
            "app": app,
            "form": form,
            "slots": _slots(app),
            "deficiencies": _deficiencies(app) if app.status == Status.RETURNED else [],
            "subject_member": app.subject,
        },
        status=422 if form.errors else 200,
    )


@require_POST
@resident_side
def upload(request: HttpRequest, reference: str, requirement_code: str) -> HttpResponse:
    app = _application(request, reference)
    requirement = get_object_or_404(Requirement, variant=app.variant, code=requirement_code)
    incoming = request.FILES.get("file") or request.FILES.get("camera")
    error = ""
    error_status = 422
    if incoming is None:
        error = _("Pilih berkas atau ambil foto terlebih dahulu.")
    else:
        try:
            services.attach_document(app, requirement, incoming, actor=request.user)
        except (UploadRejected, ApplicationError) as exc:
            error = str(exc)
        except StorageUnavailable as exc:
            error, error_status = str(exc), exc.status_code
    # Scripts (fetch/XHR with a progress bar) get the slot back to swap in; without
    # JavaScript the whole page reloads.
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        if error:
            # Refused perhaps because the application moved on meanwhile: show it as it is.
            # A stored file changes no column of the application, so success needs no reload.
            app.refresh_from_db()
        (slot,) = _slots(app, errors={requirement.code: error}, only=requirement)
        status = error_status if error else 200
        return render(request, "applications/_slot.html", {"slot": slot}, status=status)
    if error:
        messages.error(request, f"{requirement.name}: {error}")
    else:
        messages.success(request, _("%(name)s terunggah.") % {"name": requirement.name})
    return redirect(f"{reverse('applications:edit', args=[app.reference])}#slot-{requirement.code}")


def _review_rows(app: Application) -> list[dict[str, Any]]:
    rows = []
    for f in field_defs(app.variant.form_fields):
        row = {"code": f.code, "label": f.label, "value": f.display(f.read(app.data))}
        if f.kind == "changes":
            row["changes"] = describe_changes(f.read(app.data), app.subject)
            row["value"] = changes_text(row["changes"])
        rows.append(row)
    return rows


@never_cache
@resident_side
def review(request: HttpRequest, reference: str) -> HttpResponse:
    app = _application(request, reference)
    if app.status not in (Status.DRAFT, Status.RETURNED):
        return redirect("applications:detail", app.reference)
    if request.method == "POST":
        try:
            if app.status == Status.RETURNED:
                services.resubmit_application(
                    app, actor=request.user, note=request.POST.get("note_to_officer", "")
                )
            else:
                services.submit_application(app, actor=request.user)
        except SubmissionRejected as exc:
            problems = exc.problems
        except ApplicationError as exc:
            # Usually a second tap on "Kirim" after the first went through.
            messages.info(request, str(exc))
            return redirect("applications:detail", app.reference)
        else:
            return redirect("applications:receipt", app.reference)
    else:
        problems = check_application(app)
    by_item = group(problems)
    return render(
        request,
        "applications/review.html",
        {
            "app": app,
            "rows": [
                {**row, "problems": by_item.get(Item.field(row["code"]), [])}
                for row in _review_rows(app)
            ],
            "slots": _slots(app, by_item),
            "problems": problems,
            "subject_problems": by_item.get(SUBJECT_ITEM, []),
        },
        status=422 if request.method == "POST" else 200,
    )


# --- after submission -------------------------------------------------------------------


def _qr_data_uri(app: Application) -> str:
    url = settings.SITE_URL + reverse("applications:detail", args=[app.reference])
    return segno.make(url, error="m").svg_data_uri(scale=5, border=2)


@never_cache
@resident_side
def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    app = _application(request, reference)
    if app.submitted_at is None:
        return redirect("applications:edit", app.reference)
    return render(
        request,
        "applications/receipt.html",
        {
            "app": app,
            "qr": _qr_data_uri(app),
            "time_left": time_left_label(app),
        },
    )


@never_cache
@resident_side
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    app = _application(request, reference)
    documents = list(
        app.documents.select_related("requirement").order_by("requirement__order", "-uploaded_at")
    )
    return render(
        request,
        "applications/detail.html",
        {
            "app": app,
            "time_left": time_left_label(app),
            "rows": _review_rows(app),
            "events": app.events.select_related("actor"),
            "documents": documents,
            "deficiencies": _deficiencies(app),
            "can_edit": allowed(app.status, Action.EDIT),
            "can_cancel": allowed(app.status, Action.CANCEL),
        },
    )


@never_cache
@resident_side
def cancel(request: HttpRequest, reference: str) -> HttpResponse:
    app = _application(request, reference)
    if not allowed(app.status, Action.CANCEL):
        messages.info(request, _("Permohonan ini sudah tidak dapat dibatalkan."))
        return redirect("applications:detail", app.reference)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_application(app, actor=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Permohonan %(ref)s dibatalkan.") % {"ref": app.reference})
        return redirect("applications:detail", app.reference)
    return render(request, "applications/cancel.html", {"app": app, "form": form})


@never_cache
def document(request: HttpRequest, reference: str, document_id: int) -> HttpResponse:
    """Streams one uploaded file to the applicant, the helper who filed it, or staff who may
    handle the application (their read is audited). Everyone else: 404."""
    user = request.user
    if not user.is_authenticated:
        raise Http404
    doc = get_object_or_404(
        ApplicationDocument.objects.select_related("application__service", "requirement"),
        pk=document_id,
        application__reference=reference,
    )
    app = doc.application
    if staff_may_view(user, app):
        audited_read(
            request,
            app,
            purpose=f"Permohonan {app.reference}",
            what=doc.requirement.code,
            details={"document": doc.pk},
        )
    elif not resident_may_view(user, current_subject(request), app):
        raise Http404
    elif getattr(request, "acting_for", None) is not None:
        audit_act(
            request,
            "applications.document.viewed",
            obj=app,
            details={"document": doc.pk, "requirement": doc.requirement.code},
        )
    ext = "pdf" if doc.content_type == "application/pdf" else "jpg"
    return stored_file_response(
        doc.file,
        content_type=doc.content_type,
        filename=f"{app.reference}-{doc.requirement.code}.{ext}",
        download=request.GET.get("unduh") == "1",
    )
