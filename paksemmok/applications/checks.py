"""Checks at submission: what staff would otherwise return a day later, told at once.

Each problem names the item it concerns (`field:<code>`, `doc:<requirement code>` or
`subject`) so the page can show the message next to that field or upload slot.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from paksemmok.catalog.fields import FIELDS, field_defs
from paksemmok.catalog.models import Requirement, Variant
from paksemmok.population.ektp_eligibility import ektp_online_status, old_enough_on
from paksemmok.population.identifiers import check_kk_number, check_nik
from paksemmok.population.models import Resident

from .lifecycle import OPEN_STATUSES


@dataclass(frozen=True)
class Problem:
    item: str
    message: str
    link: str = ""
    link_text: str = ""


class SubmissionRejected(Exception):
    """Raised by service functions with every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))

    def by_item(self) -> dict[str, list[Problem]]:
        return group(self.problems)


def group(problems: list[Problem]) -> dict[str, list[Problem]]:
    grouped: dict[str, list[Problem]] = {}
    for problem in problems:
        grouped.setdefault(problem.item, []).append(problem)
    return grouped


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def answers(data: dict[str, Any], *, today: dt.date | None = None) -> dict[str, Any]:
    """The form answers plus the ones computed from them, for requirement conditions."""
    today = today or timezone.localdate()
    result = dict(data)
    death = _date(data.get("death_date"))
    result["late_death_report"] = bool(
        death and (today - death).days > settings.APPLICATIONS_DEATH_REPORT_DAYS
    )
    return result


def needed_requirements(
    variant: Variant, data: dict[str, Any], *, today: dt.date | None = None
) -> list[Requirement]:
    given = answers(data, today=today)
    return [r for r in variant.requirements.all() if r.needed(given)]


def subject_key(
    variant: Variant, subject: Resident | None, family: Any, data: dict[str, Any]
) -> str:
    if subject is not None:
        return f"nik:{subject.nik}"
    name = " ".join(str(data.get("child_name", "")).lower().split())
    return f"birth:{family.pk}:{name}:{data.get('child_birth_date', '')}"[:120]


# --- Who the application may be about -------------------------------------------------------


def check_subject(
    variant: Variant, subject: Resident | None, applicant: Any, *, today: dt.date | None = None
) -> list[Problem]:
    """The variant's eligibility rules, checked when the person is chosen and again at
    submission (the register may have changed in between)."""
    today = today or timezone.localdate()
    own = getattr(applicant, "resident", None)
    if own is None or own.family_id is None:
        return [
            Problem(
                "subject",
                _(
                    "Akun Anda belum terhubung dengan data KK. Hubungi "
                    "Disdukcapil atau pendamping desa."
                ),
            )
        ]
    rules = set(variant.eligibility)
    if variant.subject == Variant.Subject.NEWBORN or "newborn" in rules:
        return (
            []
            if subject is None
            else [Problem("subject", _("Akta kelahiran diajukan untuk anak yang belum terdaftar."))]
        )
    if subject is None:
        return [Problem("subject", _("Pilih anggota keluarga yang dimohonkan."))]
    problems: list[Problem] = []
    if subject.family_id != own.family_id:
        # Deliberately the same words whether the NIK exists elsewhere or not.
        return [Problem("subject", _("Orang ini tidak tercantum di KK Anda."))]
    if "member_alive" in rules and not subject.is_alive:
        problems.append(
            Problem(
                "subject",
                _("%(name)s tidak tercatat hidup di KK Anda.") % {"name": subject.full_name},
            )
        )
    if "ektp_recorded" in rules and not subject.is_recorded:
        status = ektp_online_status(subject)
        if status.code in ("not_recorded", "ok"):
            problems.append(
                Problem(
                    "subject",
                    _(
                        "%(name)s belum melakukan perekaman e-KTP. Perekaman (foto, sidik jari dan "
                        "iris mata) hanya dapat dilakukan langsung di kantor Disdukcapil, kantor "
                        "kecamatan, atau layanan jemput bola di balai desa. Setelah perekaman, "
                        "e-KTP dapat diajukan secara daring."
                    )
                    % {"name": subject.full_name},
                    link=reverse("appointments:start"),
                    link_text=_("Buat janji perekaman e-KTP"),
                )
            )
    if "ektp_age" in rules and not old_enough_on(subject, today):
        problems.append(
            Problem(
                "subject",
                _(
                    "%(name)s berusia %(age)s tahun dan belum pernah kawin. e-KTP untuk penduduk "
                    "berusia 17 tahun ke atas atau yang sudah/pernah kawin; anak di bawah 17 tahun "
                    "dapat mengajukan KIA."
                )
                % {"name": subject.full_name, "age": subject.age_on(today)},
            )
        )
    age = subject.age_on(today)
    if "kia_under_5" in rules and age >= 5:
        problems.append(
            Problem(
                "subject",
                _(
                    "%(name)s berusia %(age)s tahun: pilih “KIA anak 5 sampai 17 tahun” (perlu pas "
                    "foto)."
                )
                % {"name": subject.full_name, "age": age}
                if age < 17
                else _("KIA hanya untuk anak di bawah 17 tahun; ajukan e-KTP."),
            )
        )
    if "kia_5_to_17" in rules and not 5 <= age < 17:
        problems.append(
            Problem(
                "subject",
                _("%(name)s berusia %(age)s tahun: pilih “KIA anak di bawah 5 tahun”.")
                % {"name": subject.full_name, "age": age}
                if age < 5
                else _("KIA hanya untuk anak di bawah 17 tahun; ajukan e-KTP."),
            )
        )
    return problems


def open_duplicate(application: Any) -> Any:
    """Another open application for the same person and service, if any."""
    from .models import Application

    return (
        Application.objects.filter(
            service_id=application.service_id,
            subject_key=application.subject_key,
            status__in=OPEN_STATUSES,
        )
        .exclude(pk=application.pk)
        .first()
    )


def duplicate_problem(first: Any) -> Problem:
    return Problem(
        "subject",
        _(
            "Sudah ada permohonan %(service)s untuk %(name)s yang sedang diproses (%(ref)s). "
            "Tunggu keputusannya atau batalkan permohonan itu lebih dulu."
        )
        % {"service": first.service.name, "name": first.subject_name, "ref": first.reference},
        link=reverse("applications:detail", args=[first.reference]),
        link_text=_("Lihat permohonan %(ref)s") % {"ref": first.reference},
    )


# --- The form and the files --------------------------------------------------------------


def check_fields(application: Any, today: dt.date) -> list[Problem]:
    data = application.data
    problems: list[Problem] = []
    required = _("Wajib diisi.")
    for fdef in field_defs(application.variant.form_fields):
        value = data.get(fdef.code)
        item = f"field:{fdef.code}"
        if fdef.required and value in (None, ""):
            problems.append(Problem(item, required))
            continue
        if value in (None, ""):
            continue
        if fdef.kind == "nik":
            check = check_nik(str(value))
            problems += [Problem(item, msg) for msg in check.errors]
        elif fdef.kind == "kk":
            problems += [Problem(item, msg) for msg in check_kk_number(str(value)).errors]
        elif fdef.kind == "date":
            day = _date(value)
            if day is None:
                problems.append(Problem(item, _("Tanggal tidak valid.")))
            elif day > today:
                problems.append(Problem(item, _("Tanggal tidak boleh di masa depan.")))
    problems += _variant_field_rules(application, data, today)
    return problems


def _variant_field_rules(application: Any, data: dict[str, Any], today: dt.date) -> list[Problem]:
    problems: list[Problem] = []
    codes = set(application.variant.form_fields)
    subject = application.subject
    if "new_head_nik" in codes and data.get("new_head_nik"):
        ok = Resident.objects.filter(
            nik=data["new_head_nik"],
            family_id=application.family_id,
            life_status=Resident.LifeStatus.ALIVE,
        ).exists()
        if not ok:
            problems.append(
                Problem(
                    "field:new_head_nik",
                    _("Kepala keluarga baru harus anggota KK ini yang masih hidup."),
                )
            )
    if "spouse_nik" in codes and subject and data.get("spouse_nik") == subject.nik:
        problems.append(Problem("field:spouse_nik", _("NIK suami/istri sama dengan NIK pemohon.")))
    if data.get("no_birth_letter"):
        for code in ("witness1_nik", "witness2_nik"):
            if code in codes and not data.get(code):
                problems.append(
                    Problem(
                        f"field:{code}",
                        _(
                            "Wajib diisi bila tidak ada surat keterangan lahir (SPTJM dengan 2 saksi)."  # noqa: E501
                        ),
                    )
                )
    if data.get("witness1_nik") and data.get("witness1_nik") == data.get("witness2_nik"):
        problems.append(Problem("field:witness2_nik", _("Saksi 2 harus orang yang berbeda.")))
    death = _date(data.get("death_date"))
    if death and subject and death < subject.birth_date:
        problems.append(Problem("field:death_date", _("Tanggal meninggal sebelum tanggal lahir.")))
    return problems


def check_documents(application: Any, today: dt.date) -> list[Problem]:
    given = answers(application.data, today=today)
    have = {d.requirement_id for d in application.current_documents()}
    problems: list[Problem] = []
    for requirement in application.variant.requirements.all():
        if not requirement.needed(given) or requirement.pk in have:
            continue
        if requirement.condition == "late_death_report":
            days = (today - _date(application.data["death_date"])).days
            message = _(
                "Kematian dilaporkan %(days)s hari setelah terjadi (lebih dari "
                "%(limit)s hari): unggah surat pernyataan keterlambatan."
            ) % {"days": days, "limit": settings.APPLICATIONS_DEATH_REPORT_DAYS}
        else:
            message = _("Wajib diunggah.")
        problems.append(Problem(f"doc:{requirement.code}", message))
    return problems


def check_application(application: Any, *, today: dt.date | None = None) -> list[Problem]:
    """Every problem that would stop `application` from being sent now."""
    today = today or timezone.localdate()
    problems = check_subject(
        application.variant, application.subject, application.applicant, today=today
    )
    problems += check_fields(application, today)
    problems += check_documents(application, today)
    application.subject_key = subject_key(
        application.variant, application.subject, application.family, application.data
    )
    first = open_duplicate(application)
    if first is not None:
        problems.append(duplicate_problem(first))
    return problems


def field_label(code: str) -> str:
    fdef = FIELDS.get(code)
    return str(fdef.label) if fdef else code
