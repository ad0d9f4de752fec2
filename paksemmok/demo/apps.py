from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "paksemmok.demo"
    verbose_name = _("Data demo")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deploy check)
