"""Issue 15 item 3: one message per event to each person, links that do what they say,
wording that follows the deadline mode, a file name per document version."""

from __future__ import annotations

import pytest
from django.urls import reverse

from paksemmok.applications.services import cancel_application
from paksemmok.issuance import services as issuance
from paksemmok.issuance.models import IssuedDocument
from paksemmok.issuance.services import download_name
from paksemmok.notifications.models import Message
from tests.cast import approve, birth_answers, submitted

pytestmark = pytest.mark.django_db


def test_approval_is_one_message_whose_link_downloads(client, family, agus_user, budi):
    app = submitted(agus_user, "akta-kelahiran", answers=birth_answers())
    before = Message.objects.filter(user=agus_user).count()
    approve(app, budi)
    after = Message.objects.filter(user=agus_user).order_by("id")
    assert after.count() == before + 1
    body = after.last().body
    assert body.index("disetujui") < body.index("sudah terbit") < body.lower().index("survei")
    # "Unduh di <status page>": the status page has the downloads.
    status_url = reverse("applications:detail", args=[app.reference])
    assert status_url in body
    client.force_login(agus_user)
    page = client.get(status_url).content.decode()
    for doc in IssuedDocument.objects.filter(application=app):
        link = reverse("issuance:download", args=[doc.code])
        assert link in page
        assert client.get(link).status_code == 200


@pytest.mark.parametrize(
    ("mode", "said", "not_said"),
    [("clock", "termasuk malam dan hari libur", "jam kerja"), ("working", "jam kerja", "malam")],
)
def test_the_submission_message_follows_the_deadline_mode(
    settings, family, agus_user, mode, said, not_said
):
    settings.BACKOFFICE_DEADLINE_MODE = mode
    submitted(agus_user, "akta-kelahiran", answers=birth_answers())
    body = Message.objects.filter(user=agus_user).order_by("id").last().body
    assert said in body and not_said not in body
    assert "1x24 jam pada hari kerja" not in body


def test_each_kk_version_downloads_under_its_own_name(family, agus_user, budi):
    app = submitted(agus_user, "akta-kelahiran", answers=birth_answers())
    approve(app, budi)
    kk = IssuedDocument.objects.get(application=app, kind="kk")
    later = IssuedDocument(
        kind="kk", number=kk.number, data={**kk.data, "version": kk.data["version"] + 1}
    )
    assert download_name(kk) != download_name(later)
    assert download_name(kk).endswith(f"-versi-{kk.data['version']}.pdf")


def messages_of(user, since: int = 0) -> list[Message]:
    return list(Message.objects.filter(user=user).order_by("id"))[since:]


def test_submission_is_one_message_with_reference_deadline_and_link(family, agus_user):
    app = submitted(agus_user, "akta-kelahiran", answers=birth_answers())
    [message] = messages_of(agus_user)
    assert app.reference in message.body and "paling lambat" in message.body
    assert reverse("applications:detail", args=[app.reference]) in message.body


def test_cancellation_is_one_message(family, agus_user):
    app = submitted(agus_user, "akta-kelahiran", answers=birth_answers())
    cancel_application(app, actor=agus_user, reason="salah isi")
    [message] = messages_of(agus_user, 1)
    assert app.reference in message.body and "dibatalkan" in message.body


def test_the_message_links_straight_to_each_document(client, family, agus_user, budi, eko_user):
    app = submitted(agus_user, "akta-kelahiran", answers=birth_answers())
    approve(app, budi)
    [message] = messages_of(agus_user, 1)
    documents = IssuedDocument.objects.filter(application=app).order_by("id")
    assert sorted(d.kind for d in documents) == ["akta_kelahiran", "kk"]
    for doc in documents:
        link = reverse("issuance:download", args=[doc.code])
        assert link in message.body
        assert doc.get_kind_display() in message.body
        # Not a public URL to a personal file: sign-in first, then only the holder.
        anonymous = client.get(link)
        assert anonymous.status_code == 302 and "/akun/masuk/" in anonymous["Location"]
        client.force_login(eko_user)
        assert client.get(link).status_code == 404
        client.force_login(agus_user)
        response = client.get(link)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        client.logout()


def test_the_link_works_before_the_pdf_is_rendered(client, family, agus_user, budi):
    app = submitted(agus_user, "akta-kelahiran", answers=birth_answers())
    approve(app, budi)
    doc = IssuedDocument.objects.get(application=app, kind="akta_kelahiran")
    IssuedDocument.objects.filter(pk=doc.pk).update(pdf="")  # the render after commit failed
    client.force_login(agus_user)
    response = client.get(reverse("issuance:download", args=[doc.code]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    doc.refresh_from_db()
    assert doc.pdf


def test_revocation_is_one_message_with_the_reason(family, agus_user, budi, dewi):
    app = submitted(agus_user, "akta-kelahiran", answers=birth_answers())
    approve(app, budi)
    since = len(messages_of(agus_user))
    doc = IssuedDocument.objects.get(application=app, kind="akta_kelahiran")
    issuance.revoke_document(doc, actor=dewi, reason="Salah cetak nama ibu")
    [message] = messages_of(agus_user, since)
    assert "dicabut" in message.subject and "Salah cetak nama ibu" in message.body


def test_one_alert_run_is_one_message_to_each_supervisor(settings, family, agus_user, dewi):
    """A run that finds two applications near or past their deadline: each supervisor gets
    one message naming both, not one per application."""
    import datetime as dt

    from paksemmok.applications.models import Application
    from paksemmok.backoffice.services import send_deadline_alerts
    from tests.cast import staff

    settings.BACKOFFICE_DEADLINE_MODE = "clock"
    wati = staff("wati", dewi.role)
    overdue = submitted(agus_user, "akta-kelahiran", answers=birth_answers())
    overdue.refresh_from_db()
    now = overdue.deadline_at + dt.timedelta(minutes=1)
    near = Application.objects.get(pk=overdue.pk)
    near.pk, near.reference, near.subject_key = None, "PS-TEST-NEAR", "near-one"
    near.deadline_at = now + dt.timedelta(hours=2)
    near.save()
    assert send_deadline_alerts(now) == 2
    for supervisor in (dewi, wati):
        [message] = Message.objects.filter(user=supervisor)
        assert "1 permohonan melewati batas waktu, 1 sisa waktu kurang dari 4 jam" in (
            message.subject
        )
        assert f"{overdue.reference} (lewat batas)" in message.body
        assert "PS-TEST-NEAR (hampir batas)" in message.body


def test_a_link_opened_while_the_pdf_cannot_be_rendered_says_try_again(
    client, settings, tmp_path, family, agus_user, budi
):
    app = submitted(agus_user, "akta-kelahiran", answers=birth_answers())
    approve(app, budi)
    doc = IssuedDocument.objects.get(application=app, kind="akta_kelahiran")
    IssuedDocument.objects.filter(pk=doc.pk).update(pdf="")
    settings.SIGNING_KEY_PATH = tmp_path / "missing" / "key.pem"  # signing is down
    client.force_login(agus_user)
    response = client.get(reverse("issuance:download", args=[doc.code]))
    assert response.status_code == 503 and response["Retry-After"] == "60"
    html = response.content.decode()
    assert "Dokumen belum siap" in html and "coba lagi beberapa menit lagi" in html
    doc.refresh_from_db()
    assert not doc.pdf  # nothing half-made is kept; the worker or the next click renders it
