from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "paksemmok.backoffice"
    verbose_name = _("Back office")

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from paksemmok.applications.models import Application

        from .deadlines import apply_deadline_mode

        pre_save.connect(
            apply_deadline_mode, sender=Application, dispatch_uid="backoffice.apply_deadline_mode"
        )
