"""The survey page: who may answer, once, in time, with values 1-4 only."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction

from paksemmok.survey.models import SurveyInvitation, SurveyResponse
from paksemmok.survey.services import SurveyError, submit_response
from tests.cast import act_for

from .conftest import ALL_FOURS, completed

pytestmark = pytest.mark.django_db


def url(app, suffix=""):
    return f"/survei/{app.reference}/{suffix}"


def test_the_applicant_sees_nine_radio_groups(client, done, agus_user):
    client.force_login(agus_user)
    response = client.get(url(done))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<fieldset") == 9 and html.count("<legend>") == 9
    assert html.count('type="radio"') == 36 and "checked" not in html
    assert "Sangat mahal" in html and "Gratis" in html


def test_others_get_404_anonymous_go_to_login_and_staff_cannot_answer(client, done, eko_user, budi):
    assert client.get(url(done))["Location"].startswith("/akun/masuk/")
    client.force_login(eko_user)
    assert client.get(url(done)).status_code == 404
    assert client.post(url(done), ALL_FOURS).status_code == 404
    client.force_login(budi)
    assert client.get(url(done)).status_code == 404
    assert client.post(url(done), ALL_FOURS).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_an_application_without_invitation_has_no_survey(client, family, agus_user):
    from tests.cast import submitted

    app = submitted(agus_user, "kk-hilang-rusak", family.agus, {"lost_or_damaged": "rusak"})
    client.force_login(agus_user)
    assert client.get(url(app)).status_code == 404


def test_answering_once_then_a_second_submit_is_told_and_ignored(client, done, agus_user):
    client.force_login(agus_user)
    response = client.post(url(done), {**ALL_FOURS, "u4": 3, "comment": "  Cepat sekali.  "})
    assert response["Location"] == url(done, "terima-kasih/")
    row = SurveyResponse.objects.get()
    assert (row.u1, row.u4, row.comment) == (4, 3, "Cepat sekali.")
    assert (row.service_id, row.variant_id, row.application_id) == (
        done.service_id,
        done.variant_id,
        done.pk,
    )
    assert SurveyInvitation.objects.get().responded_at == row.answered_at
    assert "Terima kasih" in client.get(url(done, "terima-kasih/")).content.decode()

    # The double click's second request, or a second tab.
    again = client.post(url(done), ALL_FOURS, follow=True)
    assert "sudah diisi" in again.content.decode()
    assert SurveyResponse.objects.count() == 1
    # Opening the page again goes to the thank-you page.
    assert client.get(url(done))["Location"] == url(done, "terima-kasih/")


def test_the_service_refuses_a_second_answer_and_the_key_refuses_a_second_row(done):
    invitation = SurveyInvitation.objects.get()
    submit_response(invitation, answers=ALL_FOURS)
    stale = SurveyInvitation.objects.get()
    stale.responded_at = None  # as another request saw it before the first committed
    with pytest.raises(SurveyError) as err:
        submit_response(stale, answers=ALL_FOURS)
    assert err.value.code == "answered"
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.create(
            application=done, service_id=done.service_id, variant_id=done.variant_id, **ALL_FOURS
        )
    assert SurveyResponse.objects.count() == 1


def test_an_expired_invitation_is_said_plainly(client, done, agus_user, settings):
    invitation = SurveyInvitation.objects.get()
    assert invitation.expires_at - invitation.created_at == dt.timedelta(
        days=settings.SURVEY_RESPONSE_DAYS
    )
    client.force_login(agus_user)
    # The session would not outlive a month of travel; move the deadline instead.
    with time_machine.travel(invitation.expires_at + dt.timedelta(seconds=1)):
        client.force_login(agus_user)
        response = client.get(url(done))
        assert response.status_code == 410
        assert "sudah berakhir" in response.content.decode()
        assert client.post(url(done), ALL_FOURS).status_code == 410
        with pytest.raises(SurveyError) as err:
            submit_response(SurveyInvitation.objects.get(), answers=ALL_FOURS)
        assert err.value.code == "expired"
        page = client.get(f"/permohonan/{done.reference}/").content.decode()
        assert "survey-invite" not in page
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize("bad", ["5", "0", "", "x"])
def test_values_outside_1_to_4_are_refused_by_the_form(client, done, agus_user, bad):
    client.force_login(agus_user)
    response = client.post(url(done), {**ALL_FOURS, "u7": bad})
    assert response.status_code == 200
    assert "belum dijawab" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_missing_answers_and_long_comments_are_refused(client, done, agus_user):
    client.force_login(agus_user)
    partial = {k: v for k, v in ALL_FOURS.items() if k != "u9"}
    assert "Pilih salah satu jawaban." in client.post(url(done), partial).content.decode()
    assert client.post(url(done), {**ALL_FOURS, "comment": "x" * 1001}).status_code == 200
    assert not SurveyResponse.objects.exists()
    with pytest.raises(SurveyError):
        submit_response(SurveyInvitation.objects.get(), answers={**ALL_FOURS, "u2": 5})


@pytest.mark.parametrize("field", ["u1", "u5", "u9"])
@pytest.mark.parametrize("value", [0, 5])
def test_the_database_refuses_values_outside_1_to_4(done, field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.create(
            service_id=done.service_id, variant_id=done.variant_id, **{**ALL_FOURS, field: value}
        )


def test_the_application_page_invites_until_answered(client, done, agus_user, budi, family):
    client.force_login(agus_user)
    page = client.get(f"/permohonan/{done.reference}/").content.decode()
    assert 'data-testid="survey-invite"' in page and url(done) in page
    client.post(url(done), ALL_FOURS)
    page = client.get(f"/permohonan/{done.reference}/").content.decode()
    assert 'data-testid="survey-invite"' not in page
    # An application that is not completed shows no invitation.
    from tests.cast import submitted

    other = submitted(agus_user, "ektp-cetak", family.agus, {"pickup_place": "dinas"})
    assert "survey-invite" not in client.get(f"/permohonan/{other.reference}/").content.decode()


def test_the_helper_who_filed_it_may_answer_while_acting(
    client, family, agus_user, helper_user, budi
):

    app = completed(agus_user, budi, family.agus)
    type(app).objects.filter(pk=app.pk).update(filed_by=helper_user)
    client.force_login(helper_user)
    # Not acting for anyone yet: sent to choose a resident, like every resident-side page.
    assert client.get(url(app))["Location"].startswith("/akun/")
    act_for(client, helper_user, agus_user, minutes=10)
    assert client.get(url(app)).status_code == 200
    assert client.post(url(app), ALL_FOURS).status_code == 302
    assert SurveyResponse.objects.count() == 1


def test_admin_reads_of_a_response_are_audited(admin_client, done):
    from paksemmok.audit.models import AuditEntry

    invitation = SurveyInvitation.objects.get()
    row = submit_response(invitation, answers=ALL_FOURS, comment="Petugas ramah")
    listing = admin_client.get("/staf/admin/survey/surveyresponse/")
    assert listing.status_code == 200 and done.reference not in listing.content.decode()
    assert (
        admin_client.get(f"/staf/admin/survey/surveyresponse/{row.pk}/change/").status_code == 200
    )
    # The list and the record opened: two reads.
    assert AuditEntry.objects.filter(action="personal_data.read").count() == 2
    assert admin_client.get("/staf/admin/survey/surveyresponse/add/").status_code == 403


def test_demo_answers_load_without_completed_applications(db):
    from paksemmok.demo import survey as demo
    from paksemmok.survey.scoring import ikm

    demo.load_responses()
    result = ikm(SurveyResponse.objects.all())
    assert result.count == demo.DEMO_RESPONSES and result.grade in "ABCD"
    assert not SurveyResponse.objects.filter(application__isnull=False).exists()


def test_demo_answers_belong_to_completed_applications(done):
    from paksemmok.demo import survey as demo

    SurveyInvitation.objects.all().delete()  # as generated history has none
    demo.load_responses()
    row = SurveyResponse.objects.get()
    assert row.application == done and row.answered_at >= done.completed_at
    assert SurveyInvitation.objects.get().responded_at == row.answered_at
