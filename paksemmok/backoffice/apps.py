from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "paksemmok.backoffice"
    verbose_name = _("Meja petugas")
