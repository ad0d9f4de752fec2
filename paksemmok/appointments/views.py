"""Thin views: they read input, call services.py / slots.py and render. Permission is decided
here on the server for every request; templates only hide links."""

from __future__ import annotations

import datetime as dt
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from paksemmok.accounts import acting
from paksemmok.accounts.models import User
from paksemmok.accounts.permissions import role_required
from paksemmok.audit.log import record
from paksemmok.audit.reads import audited_read
from paksemmok.population.ektp_eligibility import perekaman_eligibility
from paksemmok.population.models import Resident

from . import public, services
from . import slots as slot_rules
from .forms import CheckInForm, JemputBolaForm, NikForm
from .models import Booking, JemputBolaEvent, Place

SESSION_KEY = "appointments_resident_id"
KIND_SLUGS = {
    "kantor": Place.Kind.DINAS,
    "kecamatan": Place.Kind.KECAMATAN,
    "jemput-bola": Place.Kind.BALAI_DESA,
}


def _acting_resident(request: HttpRequest) -> Resident | None:
    """Whom the current user books for: themselves, or the resident a helper picked."""
    user = request.user
    if user.role == User.Role.RESIDENT:
        return user.resident
    if user.role == User.Role.HELPER:
        # A resident who gave consent with a one-time code (accounts.acting) comes first;
        # otherwise the helper picks a resident of their village by NIK, which also covers
        # residents without an account (whom jemput bola mostly serves).
        account = acting.get_acting_for(request)
        if account is not None and account.resident_id:
            return account.resident
        pk = request.session.get(SESSION_KEY)
        if pk:
            return Resident.objects.filter(pk=pk, village_id=user.village_id).first()
    return None


def _booking_for(request: HttpRequest, code: str) -> Booking:
    """A booking the user may see: their own, one for their helper village, or staff."""
    booking = get_object_or_404(
        Booking.objects.select_related("resident", "place"), code=code.upper()
    )
    if not (
        services.can_act_for(request.user, booking.resident) or services.is_desk_staff(request.user)
    ):
        raise Http404
    return booking


def _local_day(value: str | None, default: dt.date) -> dt.date:
    return (parse_date(value) if value else None) or default


# --- residents and helpers ------------------------------------------------------------------


@never_cache
@login_required
def start(request: HttpRequest) -> HttpResponse:
    """The entry page other apps link to (e-KTP for not-yet-recorded residents)."""
    if services.is_desk_staff(request.user):
        return redirect("appointments:staff_day")
    resident = _acting_resident(request)
    eligibility = active = None
    if resident is not None:
        _first, last = slot_rules.booking_window()
        # Someone turning 17 within the booking window may already book a later day.
        eligibility = perekaman_eligibility(resident, on=last)
        active = (
            Booking.objects.filter(resident=resident, status__in=Booking.ACTIVE)
            .select_related("place")
            .first()
        )
    return render(
        request,
        "appointments/start.html",
        {
            "resident": resident,
            "eligibility": eligibility,
            "active": active,
            "is_helper": request.user.role == User.Role.HELPER,
            "nik_form": NikForm(),
            "kinds": [(slug, Place.Kind(kind).label) for slug, kind in KIND_SLUGS.items()],
        },
    )


@require_POST
@role_required(User.Role.HELPER)
def choose_resident(request: HttpRequest) -> HttpResponse:
    """A village helper picks the resident they are helping, by NIK."""
    form = NikForm(request.POST)
    if form.is_valid():
        resident = Resident.objects.filter(nik=form.cleaned_data["nik"]).first()
        if resident is None or resident.village_id != request.user.village_id:
            messages.error(request, _("NIK tidak ditemukan di desa/kelurahan Anda."))
        else:
            request.session[SESSION_KEY] = resident.pk
            record(
                "appointments.helper.resident_selected",
                actor=request.user,
                obj=resident,
                purpose="perekaman booking",
            )
    else:
        messages.error(request, _("NIK terdiri dari 16 angka."))
    return redirect("appointments:start")


@require_POST
@role_required(User.Role.HELPER)
def clear_resident(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return redirect("appointments:start")


@never_cache
@login_required
def places(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in KIND_SLUGS:
        raise Http404
    resident = _acting_resident(request)
    if resident is None:
        return redirect("appointments:start")
    place_kind = KIND_SLUGS[kind]
    qs = Place.objects.filter(kind=place_kind, is_active=True).select_related("region")
    first, last = slot_rules.booking_window()
    days = (last - first).days + 1
    if place_kind == Place.Kind.BALAI_DESA:
        # Only halls with an upcoming jemput bola day.
        qs = qs.filter(
            events__status=JemputBolaEvent.Status.SCHEDULED, events__date__range=(first, last)
        ).distinct()
    place_list = list(qs)
    free = slot_rules.availability(place_list, first, days)
    rows = []
    for place in place_list:
        open_days = [d for d, day_slots in free[place.pk].items() if any(s.free for s in day_slots)]
        rows.append(
            {
                "place": place,
                "next_day": open_days[0] if open_days else None,
                "free_days": len(open_days),
            }
        )
    bookable = [row for row in rows if row["next_day"] is not None]
    if len(rows) == 1 and bookable:
        # One place of this kind (the Disdukcapil office): its days at once, no screen with
        # one link (issue 15). The days page's back link leads to the start page.
        url = reverse("appointments:place_slots", args=[bookable[0]["place"].pk])
        reschedule = request.GET.get("ubah", "")
        return redirect(f"{url}?ubah={reschedule}" if reschedule else url)
    return render(
        request,
        "appointments/places.html",
        {
            "rows": rows,
            "kind_label": Place.Kind(place_kind).label,
            "resident": resident,
            "reschedule": request.GET.get("ubah", ""),
            "days": days,
        },
    )


@never_cache
@login_required
def place_slots(request: HttpRequest, place_id: int) -> HttpResponse:
    """Days with free slots, then the times of the chosen day; POST books (or reschedules)."""
    place = get_object_or_404(Place, pk=place_id, is_active=True)
    resident = _acting_resident(request)
    if resident is None:
        return redirect("appointments:start")
    reschedule_code = request.POST.get("ubah") or request.GET.get("ubah") or ""
    booking = _booking_for(request, reschedule_code) if reschedule_code else None
    if request.method == "POST":
        start_at = parse_datetime(request.POST.get("start", ""))
        if start_at is None or timezone.is_naive(start_at):
            messages.error(request, _("Pilih jam perekaman."))
        else:
            try:
                if booking is not None:
                    booking = services.reschedule_appointment(
                        booking, place=place, start=start_at, actor=request.user
                    )
                    messages.success(request, _("Janji Anda sudah dipindahkan."))
                else:
                    booking = services.book_appointment(
                        resident=resident, place=place, start=start_at, actor=request.user
                    )
                    messages.success(request, _("Janji perekaman berhasil dibuat."))
                return redirect("appointments:detail", code=booking.code)
            except services.AppointmentError as exc:
                messages.error(request, str(exc))
    first, last = slot_rules.booking_window()
    free = slot_rules.availability([place], first, (last - first).days + 1)[place.pk]
    days = [(d, sum(s.free for s in day_slots)) for d, day_slots in free.items()]
    chosen = _local_day(request.GET.get("tanggal") or request.POST.get("tanggal"), None)
    open_days = [d for d, free_count in days if free_count]
    if chosen is None and len(open_days) == 1:
        # One day with room: its times at once (issue 15, no tap on a single choice).
        chosen = open_days[0]
    times = [s for s in free.get(chosen, [])] if chosen else []
    return render(
        request,
        "appointments/slots.html",
        {
            "place": place,
            "days": days,
            "chosen": chosen,
            "times": times,
            "resident": resident,
            "booking": booking,
        },
    )


@never_cache
@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    booking = _booking_for(request, code)
    return render(
        request,
        "appointments/detail.html",
        {
            "booking": booking,
            "when": services.format_when(booking.start),
        },
    )


@never_cache
@login_required
def qr_svg(request: HttpRequest, code: str) -> HttpResponse:
    """The booking's QR as an image: an officer's phone scanning it opens the check-in page.
    Served rather than inlined so the page's CSP needs no exception for SVG styles."""
    booking = _booking_for(request, code)
    url = settings.SITE_URL + reverse("appointments:staff_check_in") + f"?kode={booking.code}"
    qr = segno.make(url, error="m")
    response = HttpResponse(content_type="image/svg+xml")
    qr.save(response, kind="svg", scale=6, border=2, xmldecl=False)
    return response


@login_required
def cancel(request: HttpRequest, code: str) -> HttpResponse:
    booking = _booking_for(request, code)
    if request.method == "POST":
        try:
            services.cancel_appointment(
                booking, actor=request.user, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Janji perekaman dibatalkan."))
        except services.AppointmentError as exc:
            messages.error(request, str(exc))
        return redirect("appointments:detail", code=booking.code)
    return render(
        request,
        "appointments/cancel.html",
        {"booking": booking, "when": services.format_when(booking.start)},
    )


# --- staff ------------------------------------------------------------------------------------


def _staff_place(request: HttpRequest) -> tuple[list[Place], Place | None]:
    place_list = list(Place.objects.filter(is_active=True))
    raw = request.GET.get("tempat") or request.POST.get("tempat")
    chosen = next((p for p in place_list if str(p.pk) == raw), None)
    return place_list, chosen


def _day_url(place: Place, day: dt.date) -> str:
    return reverse("appointments:staff_day") + f"?tempat={place.pk}&tanggal={day.isoformat()}"


@never_cache
@role_required(*User.PEREKAMAN_DESK_ROLES)
def staff_day(request: HttpRequest) -> HttpResponse:
    """One place's day: every slot with its bookings, check-in, walk-ins, recorded, no-show."""
    place_list, place = _staff_place(request)
    day = _local_day(request.GET.get("tanggal"), timezone.localdate())
    context: dict[str, Any] = {
        "places": place_list,
        "place": place,
        "day": day,
        "today": timezone.localdate(),
        "check_in_form": CheckInForm(),
        "nik_form": NikForm(),
    }
    if place is not None:
        day_slots = slot_rules.availability([place], day, 1, include_past=True)[place.pk].get(
            day, []
        )
        bookings = list(
            Booking.objects.filter(place=place, start__date=day)
            .exclude(status=Booking.Status.CANCELLED)
            .select_related("resident")
        )
        by_start: dict[dt.datetime, list[Booking]] = {}
        for b in bookings:
            by_start.setdefault(b.start, []).append(b)
        rows = [{"slot": s, "bookings": by_start.pop(s.start, [])} for s in day_slots]
        # Bookings whose slot no longer exists (hours changed) still show, flagged.
        orphans = [b for group in by_start.values() for b in group]
        context.update(
            {
                "rows": rows,
                "orphans": orphans,
                "closed": services.closed_message(place, day),
                "counts": {
                    "booked": len(bookings),
                    "present": sum(
                        b.status in (Booking.Status.CHECKED_IN, Booking.Status.RECORDED)
                        for b in bookings
                    ),
                    "recorded": sum(b.status == Booking.Status.RECORDED for b in bookings),
                    "no_show": sum(b.status == Booking.Status.NO_SHOW for b in bookings),
                },
            }
        )
    return render(request, "appointments/staff_day.html", context)


@never_cache
@role_required(*User.PEREKAMAN_DESK_ROLES)
def staff_check_in(request: HttpRequest) -> HttpResponse:
    """Check-in by booking code or NIK (typed, or from the QR which carries ?kode=)."""
    _places, place = _staff_place(request)
    if request.method == "POST":
        form = CheckInForm(request.POST)
        if form.is_valid():
            booking = services.find_booking(form.cleaned_data["query"])
            if booking is None:
                messages.error(request, _("Kode booking atau NIK tidak ditemukan."))
            else:
                audited_read(
                    request, booking.resident, purpose=f"Perekaman {booking.code}", what="check-in"
                )
                try:
                    services.check_in(booking, actor=request.user, place=place)
                    messages.success(
                        request,
                        _("%(name)s hadir (kode %(code)s).")
                        % {"name": booking.resident.full_name, "code": booking.code},
                    )
                except services.AppointmentError as exc:
                    messages.error(request, str(exc))
                place = place or booking.place
                return redirect(_day_url(place, timezone.localtime(booking.start).date()))
        if place is not None:
            return redirect(_day_url(place, timezone.localdate()))
        messages.error(request, _("Masukkan kode booking (8 huruf/angka) atau NIK (16 angka)."))
        return redirect("appointments:staff_day")
    # GET from the QR: show the booking and a confirm button. Only a booking code (opaque)
    # is accepted in the URL; a NIK goes by POST, so it never lands in an access log.
    code = "".join(request.GET.get("kode", "").split())
    booking = services.find_booking(code) if len(code) == 8 else None
    if booking is not None:
        audited_read(
            request, booking.resident, purpose=f"Perekaman {booking.code}", what="check-in"
        )
    return render(
        request,
        "appointments/staff_check_in.html",
        {
            "booking": booking,
            "when": services.format_when(booking.start) if booking else "",
            "form": CheckInForm(initial={"query": booking.code if booking else ""}),
        },
    )


@require_POST
@role_required(*User.PEREKAMAN_DESK_ROLES)
def staff_recorded(request: HttpRequest, code: str) -> HttpResponse:
    booking = get_object_or_404(
        Booking.objects.select_related("resident", "place"), code=code.upper()
    )
    try:
        services.mark_recorded(booking, actor=request.user)
        messages.success(
            request,
            _("Perekaman %(name)s tercatat. Penduduk sudah diberi tahu.")
            % {"name": booking.resident.full_name},
        )
    except services.AppointmentError as exc:
        messages.error(request, str(exc))
    return redirect(_day_url(booking.place, timezone.localtime(booking.start).date()))


@require_POST
@role_required(*User.PEREKAMAN_DESK_ROLES)
def staff_walk_in(request: HttpRequest) -> HttpResponse:
    _places, place = _staff_place(request)
    if place is None:
        raise Http404
    form = NikForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("NIK terdiri dari 16 angka."))
    else:
        resident = Resident.objects.filter(nik=form.cleaned_data["nik"]).first()
        if resident is None:
            messages.error(request, _("NIK tidak ditemukan di data penduduk."))
        else:
            try:
                booking = services.add_walk_in(resident=resident, place=place, actor=request.user)
                messages.success(
                    request,
                    _("%(name)s ditambahkan, jam %(time)s, kode %(code)s.")
                    % {
                        "name": resident.full_name,
                        "code": booking.code,
                        "time": timezone.localtime(booking.start).strftime("%H.%M"),
                    },
                )
            except services.AppointmentError as exc:
                messages.error(request, str(exc))
    return redirect(_day_url(place, timezone.localdate()))


@require_POST
@role_required(*User.PEREKAMAN_DESK_ROLES)
def staff_no_shows(request: HttpRequest) -> HttpResponse:
    """Marks the place's past days' remaining bookings as no-show (the job does it nightly)."""
    _places, place = _staff_place(request)
    if place is None:
        raise Http404
    count = services.mark_no_shows(place=place, actor=request.user)
    messages.success(request, _("%(n)s janji ditandai tidak hadir.") % {"n": count})
    day = _local_day(request.POST.get("tanggal"), timezone.localdate())
    return redirect(_day_url(place, day))


@never_cache
@role_required(*User.PEREKAMAN_DESK_ROLES)
def staff_figures(request: HttpRequest) -> HttpResponse:
    """Bookings, attendance and no-shows per place and day."""
    today = timezone.localdate()
    first = _local_day(request.GET.get("dari"), today - dt.timedelta(days=13))
    last = _local_day(request.GET.get("sampai"), today + dt.timedelta(days=7))
    if (last - first).days > 366:
        first = last - dt.timedelta(days=366)
    tz = timezone.get_default_timezone()
    rows = (
        Booking.objects.filter(
            start__gte=slot_rules._aware(first, dt.time.min),
            start__lt=slot_rules._aware(last + dt.timedelta(days=1), dt.time.min),
        )
        .annotate(day=TruncDate("start", tzinfo=tz))
        .values("place__name", "day")
        .annotate(**Booking.tallies())
        .order_by("day", "place__name")
    )
    return render(
        request,
        "appointments/staff_figures.html",
        {"rows": list(rows), "first": first, "last": last},
    )


@never_cache
@role_required(*User.PEREKAMAN_DESK_ROLES)
def staff_events(request: HttpRequest) -> HttpResponse:
    """Upcoming jemput bola days; perekaman officers and admins add them here."""
    can_edit = request.user.role in User.JEMPUT_BOLA_ROLES
    form = JemputBolaForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                event = services.create_jemput_bola(actor=request.user, **form.cleaned_data)
                messages.success(
                    request,
                    _("Jemput bola dijadwalkan; %(n)s orang diberi tahu.")
                    % {"n": event.announced_to},
                )
                return redirect("appointments:staff_events")
            except services.AppointmentError as exc:
                messages.error(request, str(exc))
    events = list(
        JemputBolaEvent.objects.filter(date__gte=timezone.localdate()).select_related("place")
    )
    # A hall may hold several events: count each event's own day only.
    booked = {
        (row["place_id"], row["day"]): row["n"]
        for row in Booking.objects.filter(place__in={e.place_id for e in events})
        .exclude(status=Booking.Status.CANCELLED)
        .annotate(day=TruncDate("start", tzinfo=timezone.get_default_timezone()))
        .values("place_id", "day")
        .annotate(n=Count("id"))
    }
    for event in events:
        event.booked = booked.get((event.place_id, event.date), 0)
    return render(
        request,
        "appointments/staff_events.html",
        {"form": form, "events": events, "can_edit": can_edit},
    )


@require_POST
@role_required(*User.JEMPUT_BOLA_ROLES)
def staff_event_cancel(request: HttpRequest, event_id: int) -> HttpResponse:
    event = get_object_or_404(JemputBolaEvent, pk=event_id)
    try:
        flagged = services.cancel_jemput_bola(
            event, actor=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(
            request,
            _("Jemput bola dibatalkan; %(n)s janji perlu dijadwalkan ulang dan sudah diberi tahu.")
            % {"n": flagged},
        )
    except services.AppointmentError as exc:
        messages.error(request, str(exc))
    return redirect("appointments:staff_events")


# --- public (no sign-in) --------------------------------------------------------------------


def public_places(request: HttpRequest) -> HttpResponse:
    """Where and when perekaman is done: offices, their hours and closed days, and the coming
    jemput bola days. Public, so residents without an account (most of whom jemput bola
    serves) and village helpers can read and share it."""
    return render(
        request,
        "appointments/public_places.html",
        {
            "offices": public.office_schedules(),
            "events": public.upcoming_events(),
            "closure_days": public.CLOSURE_DAYS,
            "event_days": public.EVENT_DAYS,
            "booking_days": settings.APPOINTMENTS_BOOKING_DAYS,
            "min_age": settings.APPOINTMENTS_MIN_AGE,
        },
    )
