"""Issue 15 item 3 in the browser: the resident opens the message's "Unduh" link on a phone
while signed out, signs in, and the document downloads under its own name; the status page
lists every issued document's download."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from paksemmok.backoffice import services as backoffice
from paksemmok.issuance.models import IssuedDocument
from paksemmok.issuance.services import download_name
from paksemmok.notifications.models import Message
from tests.cast import PASSWORD, birth_answers, submitted


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_message_link_downloads_after_sign_in(
    live_server, browser, phone_context_args, family, agus_user, budi
):
    agus_user.contact_verified = True  # signed up and verified long ago
    agus_user.save(update_fields=["contact_verified"])
    app = submitted(agus_user, "akta-kelahiran", answers=birth_answers())
    backoffice.claim_application(app, actor=budi)
    backoffice.approve(app, actor=budi)
    message = Message.objects.filter(user=agus_user).order_by("id").last()
    birth = IssuedDocument.objects.get(application=app, kind="akta_kelahiran")
    link = next(
        urlsplit(url).path
        for url in re.findall(r"https?://\S+", message.body)
        if f"/dokumen/{birth.code}/unduh/" in url
    )

    context = browser.new_context(**phone_context_args, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{live_server.url}{link}")
    assert "/akun/masuk/" in page.url  # sign in first: no public URL to a personal file
    page.get_by_label("NIK (petugas: nama pengguna)").fill(agus_user.username)
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    with page.expect_download() as info:
        page.get_by_role("button", name="Masuk").click()
    download = info.value
    assert download.suggested_filename == download_name(birth)
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"

    page.goto(f"{live_server.url}/permohonan/{app.reference}/")
    for doc in IssuedDocument.objects.filter(application=app):
        assert page.locator(f'a[href="/dokumen/{doc.code}/unduh/"]').count() == 1
    context.close()
