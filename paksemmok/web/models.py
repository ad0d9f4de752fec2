from django.db import models


class DemoStep(models.Model):
    """Demo data steps already loaded, so `make run` seeds only the first time."""

    name = models.CharField(max_length=80, unique=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
