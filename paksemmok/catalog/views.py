from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from . import caching
from .fields import FIELDS
from .models import ELIGIBILITY_RULES, Requirement, Service, Variant


def condition_text(condition: str) -> str:
    """When a conditional requirement applies, in words a resident reads (not the code an
    admin typed): `no_birth_letter`, `!no_birth_letter`, `lost_or_damaged=hilang`."""
    expr = condition.strip()
    if not expr:
        return ""
    negate = expr.startswith("!")
    name, _sep, wanted = expr.lstrip("!").partition("=")
    if name == "late_death_report":
        what = _("kematian dilaporkan lebih dari %(days)s hari setelah meninggal") % {
            "days": settings.APPLICATIONS_DEATH_REPORT_DAYS
        }
        return (_("Kecuali bila: %(what)s") if negate else _("Bila: %(what)s")) % {"what": what}
    field = FIELDS.get(name)
    label = str(field.label) if field else name
    if wanted:
        choice = dict(field.choices).get(wanted, wanted) if field else wanted
        what = f"{label}: {choice}"
    else:
        what = label
    return (_("Kecuali bila: %(what)s") if negate else _("Bila: %(what)s")) % {"what": what}


def _services() -> QuerySet[Service]:
    variants = Prefetch(
        "variants",
        queryset=Variant.objects.filter(is_active=True).prefetch_related(
            Prefetch("requirements", queryset=Requirement.objects.order_by("order", "id"))
        ),
    )
    return Service.objects.filter(is_active=True).prefetch_related(variants)


def _annotate(services: list[Service]) -> list[Service]:
    """Words for the codes the catalogue stores, so templates only print."""
    for service in services:
        for variant in service.variants.all():
            variant.eligibility_labels = [
                str(ELIGIBILITY_RULES[c]) for c in variant.eligibility if c in ELIGIBILITY_RULES
            ]
            for requirement in variant.requirements.all():
                requirement.condition_text = condition_text(requirement.condition)
    return services


def _catalogue() -> list[Service]:
    return _annotate(list(_services()))


def services(request: HttpRequest) -> HttpResponse:
    """Public: every service, its variants and what to prepare (no sign-in needed). The
    catalogue part is a cached fragment (caching.py); the rows are read only on a miss."""
    return render(
        request,
        "catalog/services.html",
        {"services": SimpleLazyObject(_catalogue), "catalogue_version": caching.version()},
    )


def service_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Public: one service with every variant open, so a link (or a helper's chat message)
    can point at exactly the service a resident needs."""
    names = caching.cached(
        "names", lambda: dict(Service.objects.filter(is_active=True).values_list("code", "name"))
    )
    if code not in names:
        raise Http404

    def service() -> Service:
        return _annotate([get_object_or_404(_services(), code=code)])[0]

    return render(
        request,
        "catalog/service_detail.html",
        {
            "service_name": names[code],
            "service": SimpleLazyObject(service),
            "code": code,
            "catalogue_version": caching.version(),
        },
    )
