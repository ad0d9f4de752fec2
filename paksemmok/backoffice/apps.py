from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "paksemmok.backoffice"
    verbose_name = _("Meja petugas")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from paksemmok.catalog import caching
        from paksemmok.population.models import Region

        # The queue's kecamatan names and filter are kept per catalogue version
        # (queues.queue_choices): a region import or edit must start a new one too.
        for signal in (post_save, post_delete):
            signal.connect(caching.invalidate, sender=Region, dispatch_uid="queue-regions")
