from django.conf import settings


def site(request):
    return {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "REGENCY_NAME": settings.REGENCY_NAME,
        "AGENCY_NAME": settings.AGENCY_NAME,
        # "clock" (24 clock hours) or "working" (office hours on working days): pages and
        # messages promise what the deadline really counts.
        "DEADLINE_MODE": settings.BACKOFFICE_DEADLINE_MODE,
    }
