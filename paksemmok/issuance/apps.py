from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IssuanceConfig(AppConfig):
    name = "paksemmok.issuance"
    verbose_name = _("Dokumen terbit")
