from django.db import models


class WorkerHeartbeat(models.Model):
    """Each worker process updates its row every tick; /healthz reads the newest."""

    worker_id = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)
    ticks = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return self.worker_id
