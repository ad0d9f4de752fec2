"""The satisfaction survey (Survei Kepuasan Masyarakat, PermenPANRB No. 14 Tahun 2017).

One invitation per completed application, one response at most per application. A response
keeps only what the index needs: the nine answers, an optional comment, the service and
variant (copied, so figures are a GROUP BY on this table with no joins) and the day. No
respondent profile (sex, age, education, occupation) is asked: the register already holds
it, and asking again would add personal data to statistics that should stay anonymous
(UU 27/2022 PDP, data minimisation).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from paksemmok.db import ChoiceLabels

from .questions import ELEMENTS, FIELDS

COMMENT_MAX_LENGTH = 1000


class SurveyInvitation(models.Model):
    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.CASCADE,
        related_name="survey_invitation",
        verbose_name=_("permohonan"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("pemohon"),
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    # Fixed at creation: changing SURVEY_RESPONSE_DAYS later does not move promises made.
    expires_at = models.DateTimeField(_("berlaku sampai"))
    responded_at = models.DateTimeField(_("diisi"), null=True, blank=True)

    class Meta:
        verbose_name = _("undangan survei")
        verbose_name_plural = _("undangan survei")

    def __str__(self) -> str:
        return f"{self.application_id}"

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    @property
    def is_answered(self) -> bool:
        return self.responded_at is not None


def _answer_field(element) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(element.name, choices=element.choices())


class SurveyResponse(ChoiceLabels, models.Model):
    # SET_NULL, not CASCADE: if a retention job ever removes the application, the anonymous
    # answers stay in the figures. Several NULLs do not collide in a unique column.
    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_response",
        verbose_name=_("permohonan"),
    )
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.PROTECT, related_name="+", verbose_name=_("layanan")
    )
    variant = models.ForeignKey(
        "catalog.Variant",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("jenis permohonan"),
    )
    answered_at = models.DateTimeField(_("diisi"), default=timezone.now, db_index=True)
    u1 = _answer_field(ELEMENTS[0])
    u2 = _answer_field(ELEMENTS[1])
    u3 = _answer_field(ELEMENTS[2])
    u4 = _answer_field(ELEMENTS[3])
    u5 = _answer_field(ELEMENTS[4])
    u6 = _answer_field(ELEMENTS[5])
    u7 = _answer_field(ELEMENTS[6])
    u8 = _answer_field(ELEMENTS[7])
    u9 = _answer_field(ELEMENTS[8])
    comment = models.TextField(_("saran dan masukan"), max_length=COMMENT_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["-answered_at", "-id"]
        verbose_name = _("jawaban survei")
        verbose_name_plural = _("jawaban survei")
        # A value outside 1-4 would silently bend the index; the database refuses it too.
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{f}__gte": 1, f"{f}__lte": 4}), name=f"survey_response_{f}_1_to_4"
            )
            for f in FIELDS
        ]
        indexes = [
            models.Index(fields=["service", "answered_at"], name="survey_response_service_idx")
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.answered_at:%Y-%m-%d}"

    def answers(self) -> tuple[int, ...]:
        return tuple(getattr(self, f) for f in FIELDS)
