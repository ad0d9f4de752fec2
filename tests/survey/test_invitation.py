"""Completion invites once, in the completing transaction, with a message in the
resident's language."""

from __future__ import annotations

import pytest
from django.db import transaction

from paksemmok.applications import services as app_services
from paksemmok.applications.lifecycle import Status
from paksemmok.applications.models import Application
from paksemmok.backoffice import services as backoffice
from paksemmok.notifications.models import Message
from paksemmok.notifications.services import render
from paksemmok.survey import services
from paksemmok.survey.models import SurveyInvitation
from tests.cast import birth_answers, submitted

pytestmark = pytest.mark.django_db


def survey_messages(user):
    # The invitation may travel in one message with the decision it follows (issue 15):
    # such a message names all its parts ("status_change+survey_invitation").
    return Message.objects.filter(user=user, template__contains="survey_invitation")


def test_an_approved_birth_certificate_is_complete_and_invites_once(
    family, agus_user, budi, settings
):
    settings.SURVEY_RESPONSE_DAYS = 14
    app = submitted(agus_user, "akta-kelahiran", answers=birth_answers())
    backoffice.claim_application(app, actor=budi)
    backoffice.approve(app, actor=budi)
    app.refresh_from_db()
    assert app.status == Status.COMPLETED
    invitation = SurveyInvitation.objects.get(application=app)
    assert invitation.applicant == agus_user and invitation.responded_at is None
    assert (invitation.expires_at - invitation.created_at).days == 14
    [message] = survey_messages(agus_user)
    assert app.reference in message.subject
    assert f"/survei/{app.reference}/" in message.body and "14 hari" in message.body
    # A second call (a replayed signal) neither invites nor messages again.
    assert services.invite(app) is None
    assert SurveyInvitation.objects.count() == 1 and survey_messages(agus_user).count() == 1


def test_a_card_is_not_complete_until_collected(family, agus_user, budi):
    from paksemmok.issuance import services as issuance

    app = submitted(agus_user, "ektp-cetak", family.agus, {"pickup_place": "dinas"})
    backoffice.claim_application(app, actor=budi)
    [card] = backoffice.approve(app, actor=budi)
    assert not SurveyInvitation.objects.exists() and not survey_messages(agus_user).exists()
    issuance.mark_card_ready(card, actor=budi)
    issuance.mark_card_collected(card, actor=budi)
    assert SurveyInvitation.objects.filter(application=app).count() == 1
    assert survey_messages(agus_user).count() == 1


def test_a_rolled_back_completion_leaves_no_invitation(family, agus_user, budi):
    app = submitted(agus_user, "kk-hilang-rusak", family.agus, {"lost_or_damaged": "rusak"})
    Application.objects.filter(pk=app.pk).update(status=Status.APPROVED)
    app.refresh_from_db()
    with pytest.raises(RuntimeError), transaction.atomic():
        app_services.complete_application(app, actor=budi)
        raise RuntimeError("the caller's transaction fails after completing")
    assert not SurveyInvitation.objects.exists() and not survey_messages(agus_user).exists()


def test_the_message_in_english():
    subject, body = render(
        "survey_invitation",
        {"reference": "PS-2612-ABCDEF", "url": "/survei/PS-2612-ABCDEF/", "days": 30},
        "en",
    )
    assert subject == "How was the service for application PS-2612-ABCDEF?"
    assert "satisfaction survey" in body and "/survei/PS-2612-ABCDEF/" in body
    subject_id, _body = render(
        "survey_invitation", {"reference": "PS-2612-ABCDEF", "url": "/survei/x/", "days": 30}, "id"
    )
    assert subject_id.startswith("Bagaimana layanan")
