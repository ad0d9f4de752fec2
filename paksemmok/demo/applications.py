"""Demo data: the demo resident has one application waiting for staff, with generated
document images, so the back office and "Permohonan saya" are not empty.

Created through the service functions (so the history and audit are real) but without a
notification: demo data should not fill the outbox.
"""

from __future__ import annotations

import io
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile

from .images import document_image


def _document_photo(seed: int) -> SimpleUploadedFile:
    out = io.BytesIO()
    document_image(1200, 900, seed=seed).save(out, "JPEG", quality=80)
    return SimpleUploadedFile("dokumen.jpg", out.getvalue(), content_type="image/jpeg")


def load_application() -> None:
    from paksemmok.accounts.models import User
    from paksemmok.applications import services
    from paksemmok.applications.checks import needed_requirements
    from paksemmok.catalog.models import Variant
    from paksemmok.demo.accounts import DEMO_RESIDENT_PHONE

    account = User.objects.filter(role=User.Role.RESIDENT, phone=DEMO_RESIDENT_PHONE).first()
    if account is None or account.resident is None or account.resident.family_id is None:
        return
    variant = Variant.objects.get(code="kk-hilang-rusak")
    with mock.patch.object(services, "_notify"):
        app = services.create_draft(applicant=account, variant=variant, subject=account.resident)
        services.save_draft(app, data={"lost_or_damaged": "rusak"}, actor=account)
        for i, requirement in enumerate(needed_requirements(variant, app.data)):
            services.attach_document(app, requirement, _document_photo(i), actor=account)
        services.submit_application(app, actor=account)


STEPS = [("applications.sample", load_application)]
