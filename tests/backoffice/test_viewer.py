"""The staff viewer: a PDF carrying JavaScript is shown as page images rendered on the server,
the rebuilt PDF only as a download under the one private-file policy; a photo's quality flag
is shown beside it."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from paksemmok.applications.files import PRIVATE_FILE_CSP
from paksemmok.audit.models import AuditEntry
from tests.cast import with_hostile_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(family, agus_user):
    return with_hostile_files(agus_user)


def test_pdf_is_shown_as_page_images_and_downloaded_only(client, sent, budi):
    app, _slot = sent
    doc = app.current_documents().get(requirement__code="kk")
    client.force_login(budi)
    html = client.get(reverse("backoffice:review", args=[app.reference])).content.decode()
    page_url = reverse("backoffice:document_page", args=[app.reference, doc.pk, 1])
    assert 'data-testid="pdf-pages-kk"' in html and page_url in html
    assert "<iframe" not in html and "<embed" not in html and "<object" not in html
    page = client.get(page_url)
    assert page.status_code == 200 and page["Content-Type"] == "image/jpeg"
    assert page["Content-Security-Policy"] == PRIVATE_FILE_CSP
    image = Image.open(io.BytesIO(b"".join(page.streaming_content)))
    assert image.width == 1400
    assert AuditEntry.objects.filter(
        action="personal_data.read", details__what="file:kk:p1"
    ).exists()
    assert (
        client.get(reverse("backoffice:document_page", args=[app.reference, doc.pk, 2])).status_code
        == 404
    )
    pdf = client.get(reverse("backoffice:document", args=[app.reference, doc.pk]))
    assert pdf["Content-Disposition"].startswith("attachment")
    assert pdf["Content-Security-Policy"] == PRIVATE_FILE_CSP
    assert pdf["X-Frame-Options"] == "DENY"
    assert b"JavaScript" not in b"".join(pdf.streaming_content)


def test_page_images_only_for_those_who_may_review(client, sent, citra):
    app, _slot = sent
    doc = app.current_documents().get(requirement__code="kk")
    client.force_login(citra)  # e-KTP operator: not her service
    url = reverse("backoffice:document_page", args=[app.reference, doc.pk, 1])
    assert client.get(url).status_code == 404


def test_quality_flag_beside_the_photo(client, sent, budi):
    app, slot = sent
    doc = app.current_documents().get(requirement=slot)
    assert doc.quality_flags == ["blurry"]
    client.force_login(budi)
    html = client.get(reverse("backoffice:review", args=[app.reference])).content.decode()
    assert f'data-testid="quality-{slot.code}"' in html and "Foto buram." in html
    assert 'data-testid="quality-kk"' not in html


def test_residents_file_view_uses_the_one_policy(client, sent, agus_user):
    app, slot = sent
    doc = app.current_documents().get(requirement__code="kk")
    client.force_login(agus_user)
    url = reverse("applications:document", args=[app.reference, doc.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == PRIVATE_FILE_CSP
    photo = app.current_documents().get(requirement=slot)
    shown = client.get(reverse("applications:document", args=[app.reference, photo.pk]))
    assert shown["Content-Disposition"].startswith("inline")
    assert shown["Content-Security-Policy"] == PRIVATE_FILE_CSP
