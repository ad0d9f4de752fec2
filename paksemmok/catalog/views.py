from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Requirement, Service, Variant


def services(request: HttpRequest) -> HttpResponse:
    """Public: every service, its variants and what to prepare (no sign-in needed)."""
    variants = Prefetch(
        "variants", queryset=Variant.objects.filter(is_active=True).prefetch_related(
            Prefetch("requirements", queryset=Requirement.objects.order_by("order", "id"))))
    return render(request, "catalog/services.html", {
        "services": Service.objects.filter(is_active=True).prefetch_related(variants),
    })
