from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "paksemmok.jobs"
    verbose_name = _("Pekerjaan latar belakang")

    def ready(self) -> None:
        # Each app that has periodic work keeps it in a `jobs` module; importing it registers it.
        from importlib import import_module

        from django.apps import apps
        from django.utils.module_loading import module_has_submodule

        for config in apps.get_app_configs():
            if (
                config.name.startswith("paksemmok.")
                and config.name != self.name
                and module_has_submodule(config.module, "jobs")
            ):
                import_module(f"{config.name}.jobs")
