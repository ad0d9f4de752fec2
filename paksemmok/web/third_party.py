"""Other packages' apps under names staff read in the admin, in Indonesian and English.

Their own names are English and not translatable ("Axes", "Otp_Totp", "Tasks Database
Backend"); INSTALLED_APPS names these subclasses instead. Only the app's name changes:
labels, models and migrations stay the packages' own."""

from __future__ import annotations

from axes.apps import AppConfig as _Axes
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as _OtpTotp
from django_tasks_db.apps import TasksAppConfig as _TasksDb


class AxesConfig(_Axes):
    verbose_name = _("Penguncian masuk")


class OtpTotpConfig(_OtpTotp):
    verbose_name = _("Verifikasi dua langkah (TOTP)")


class TasksDbConfig(_TasksDb):
    verbose_name = _("Antrean tugas")
