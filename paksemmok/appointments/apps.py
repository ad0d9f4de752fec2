from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    # Periodic jobs live in jobs.py, which paksemmok.jobs discovers on start-up.
    name = "paksemmok.appointments"
    verbose_name = _("Perekaman e-KTP")
