from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "paksemmok.accounts"
    verbose_name = _("Akun pengguna")

    def ready(self) -> None:
        from . import backends  # noqa: F401  (connects the failed sign-in counter)
