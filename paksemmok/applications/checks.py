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

from paksemmok.catalog.fields import FIELDS, field_defs, kk_changes
from paksemmok.catalog.models import Requirement, Variant
from paksemmok.errors import DomainError
from paksemmok.population.identifiers import check_kk_number, check_nik
from paksemmok.population.models import Resident

from . import rules
from .items import SUBJECT_ITEM, Item
from .lifecycle import OPEN_STATUSES


@dataclass(frozen=True)
class Problem:
    item: str
    message: str
    link: str = ""
    link_text: str = ""
    # The rule's code (rules.RuleViolation.code) when a register rule found it.
    code: str = ""


class SubmissionRejected(DomainError):
    """Raised by service functions with every problem found, not just the first."""

    code = "submission_rejected"
    status = 422

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))

    def api_error(self) -> tuple[str, str, Any, int]:
        # `code` of a problem: the register rule (applications.rules) that refused it, or "".
        details = [
            {"item": p.item, "message": str(p.message), "code": p.code} for p in self.problems
        ]
        message = (
            details[0]["message"]
            if len(details) == 1
            else _("Permohonan belum dapat dikirim; lihat rincian.")
        )
        return self.code, message, details, self.status

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
    for change in kk_changes(data):
        result[f"changes_{change['field']}"] = True
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
                SUBJECT_ITEM,
                _(
                    "Akun Anda belum terhubung dengan data KK. Hubungi "
                    "Disdukcapil atau pendamping desa."
                ),
            )
        ]
    if variant.subject == Variant.Subject.NEWBORN or "newborn" in variant.eligibility:
        if subject is not None:
            return [as_problem(v) for v in rules.check(variant, subject, {}, family=own.family)]
        return []
    if subject is None:
        return [Problem(SUBJECT_ITEM, _("Pilih anggota keluarga yang dimohonkan."))]
    if subject.family_id != own.family_id:
        # Deliberately the same words whether the NIK exists elsewhere or not.
        return [Problem(SUBJECT_ITEM, _("Orang ini tidak tercantum di KK Anda."))]
    # Only the rules about the person: the form is still empty when a draft starts.
    return [
        as_problem(v)
        for v in rules.errors(rules.check(variant, subject, {}, family=own.family, today=today))
    ]


def as_problem(violation: rules.RuleViolation) -> Problem:
    return Problem(
        violation.item,
        violation.message,
        link=violation.link,
        link_text=violation.link_text,
        code=violation.code,
    )


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
        SUBJECT_ITEM,
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
        value = fdef.read(data)
        item = Item.field(fdef.code)
        if fdef.required and value in (None, "", []):
            problems.append(Problem(item, required))
            continue
        if value in (None, "", []):
            continue
        if fdef.kind == "changes":
            problems += [
                Problem(item, _("Perubahan %(n)s: isi data yang benar.") % {"n": i})
                for i, change in enumerate(value, start=1)
                if not change["value"]
            ]
        elif fdef.kind == "nik":
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
    if data.get("no_birth_letter"):
        for code in ("witness1_nik", "witness2_nik"):
            if code in codes and not data.get(code):
                problems.append(
                    Problem(
                        Item.field(code),
                        _(
                            "Wajib diisi bila tidak ada surat keterangan lahir (SPTJM dengan 2 saksi)."  # noqa: E501
                        ),
                    )
                )
    if data.get("witness1_nik") and data.get("witness1_nik") == data.get("witness2_nik"):
        problems.append(Problem(Item.field("witness2_nik"), _("Saksi 2 harus orang yang berbeda.")))
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
        problems.append(Problem(Item.doc(requirement.code), message))
    return problems


def check_application(application: Any, *, today: dt.date | None = None) -> list[Problem]:
    """Every problem that would stop `application` from being sent now."""
    today = today or timezone.localdate()
    problems = check_subject(
        application.variant, application.subject, application.applicant, today=today
    )
    problems += check_fields(application, today)
    problems += [
        as_problem(v) for v in rules.errors(rules.check_application(application, today=today))
    ]
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
