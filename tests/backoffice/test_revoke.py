"""Issue 15 item 6: a supervisor page revokes an issued document with a reason; the holder
is told and the verification page shows it revoked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from paksemmok.issuance.models import IssuedDocument
from paksemmok.notifications.models import Message
from tests.cast import approve, birth_answers, submitted
from tests.cast import sign_in_with_totp as login_supervisor

pytestmark = pytest.mark.django_db


def test_supervisor_revokes_with_a_reason(client, family, agus_user, budi, dewi):
    app = submitted(agus_user, "akta-kelahiran", answers=birth_answers())
    approve(app, budi)
    doc = IssuedDocument.objects.get(application=app, kind="akta_kelahiran")
    url = reverse("backoffice:revoke")

    client.force_login(budi)  # operators may not
    assert client.get(url).status_code in (302, 403)

    login_supervisor(client, dewi)
    found = client.get(url, {"kode": doc.code.lower()}).content.decode()
    assert doc.number in found and 'data-testid="revoke"' in found
    refused = client.post(url, {"code": doc.code, "reason": " "}, follow=True).content.decode()
    assert "Sebutkan alasan pencabutan" in refused
    before = Message.objects.filter(user=agus_user).count()
    client.post(url, {"code": doc.code, "reason": "Data orang tua keliru"})
    doc.refresh_from_db()
    assert doc.status == IssuedDocument.Status.REVOKED
    told = Message.objects.filter(user=agus_user).order_by("-id")
    assert told.count() == before + 1
    assert "dicabut" in told[0].subject and "Data orang tua keliru" in told[0].body
    verify = client.get(reverse("issuance:verify", args=[doc.code])).content.decode()
    assert 'data-status="revoked"' in verify
