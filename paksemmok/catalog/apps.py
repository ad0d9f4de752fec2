from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "paksemmok.catalog"
    label = "catalog"
    verbose_name = _("Katalog layanan")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import caching

        # Every catalogue model, so a model added later is covered without a second list.
        for model in self.get_models():
            for signal in (post_save, post_delete):
                signal.connect(caching.invalidate, sender=model, dispatch_uid=f"catalog-{model}")
