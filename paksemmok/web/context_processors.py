from django.conf import settings


def site(request):
    return {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "REGENCY_NAME": settings.REGENCY_NAME,
        "AGENCY_NAME": settings.AGENCY_NAME,
    }
