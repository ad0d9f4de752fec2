"""Issue 15 item 3: one message per event to each person, links that do what they say,
wording that follows the deadline mode, a file name per document version."""

from __future__ import annotations

import pytest
from django.urls import reverse

from paksemmok.issuance.models import IssuedDocument
from paksemmok.issuance.views import download_name
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
