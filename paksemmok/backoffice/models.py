"""Claims: which officer is reviewing an application right now."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Claim(models.Model):
    """One per application (the unique key is the last guard against two reviewers). Released
    when the officer decides, lets go, a supervisor releases or reassigns it, or it sits idle
    longer than BACKOFFICE_CLAIM_IDLE_MINUTES (jobs.release_idle_claims).

    An application awaiting a decision is "in review" exactly when it has a claim: the
    services take the claim and start the review in one transaction, and release it and stop
    the review in one. So the queue counts and filters "not yet taken" by the status alone,
    from its index, without a probe into this table per application (queues). Rows written
    around the services are put right by jobs.reconcile_review_states.
    """

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="claim"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="claims",
        verbose_name=_("petugas"),
    )
    claimed_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("pengambilan permohonan")
        verbose_name_plural = _("pengambilan permohonan")

    def __str__(self) -> str:
        return f"{self.application_id} → {self.officer_id}"


class AlertSent(models.Model):
    """Deadline alerts already sent to supervisors: each (application, round, kind) once."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="+"
    )
    round = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "round", "kind"], name="backoffice_alert_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.round} {self.kind}"
