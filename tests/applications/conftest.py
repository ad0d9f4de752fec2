"""The cast: the Santoso family of Purwosari on one KK.

Agus (head, 40, recorded, account holder), Rina (his wife, 37), Dimas (16, not recorded,
single), Sinta (8) and Bayu (2). Eko lives on another KK and has his own account. Sari is the
village helper; Budi an operator. Files are made in the tests: photos of "documents" with
enough texture to pass the blank check, and PDFs built with pypdf.
"""

from __future__ import annotations

import datetime as dt
import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw
from pypdf import PdfWriter

from paksemmok.accounts.models import User
from paksemmok.catalog.models import Variant
from paksemmok.population.models import MaritalStatus, Relationship, Resident, Sex
from tests.factories import FamilyFactory, ResidentFactory


def years_ago(years: int, days: int = 0) -> dt.date:
    today = timezone.localdate()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        day = today.replace(year=today.year - years, day=28)
    return day - dt.timedelta(days=days)


def account_for(resident: Resident, **kwargs) -> User:
    kwargs.setdefault("phone", None)
    return User.objects.create_user(
        username=resident.nik,
        password="x-Pass-12345",
        role=User.Role.RESIDENT,
        resident=resident,
        first_name=resident.full_name,
        **kwargs,
    )


class Family:
    def __init__(self) -> None:
        self.kk = FamilyFactory()
        recorded = Resident.Recording.RECORDED
        self.agus = ResidentFactory(
            family=self.kk,
            full_name="Agus Santoso",
            relationship=Relationship.HEAD,
            birth_date=years_ago(40),
            marital_status=MaritalStatus.MARRIED,
            ektp_recording=recorded,
        )
        self.kk.head = self.agus
        self.kk.save()
        self.rina = ResidentFactory(
            family=self.kk,
            full_name="Rina Wati",
            sex=Sex.FEMALE,
            relationship=Relationship.WIFE,
            birth_date=years_ago(37),
            marital_status=MaritalStatus.MARRIED,
            ektp_recording=recorded,
        )
        self.dimas = ResidentFactory(
            family=self.kk,
            full_name="Dimas Santoso",
            birth_date=years_ago(16),
            ektp_recording=Resident.Recording.NOT_RECORDED,
        )
        self.sinta = ResidentFactory(
            family=self.kk,
            full_name="Sinta Santoso",
            sex=Sex.FEMALE,
            birth_date=years_ago(8),
            ektp_recording=Resident.Recording.NOT_RECORDED,
        )
        self.bayu = ResidentFactory(
            family=self.kk,
            full_name="Bayu Santoso",
            birth_date=years_ago(2),
            ektp_recording=Resident.Recording.NOT_RECORDED,
        )


@pytest.fixture
def family(kudus) -> Family:
    return Family()


@pytest.fixture
def agus_user(family) -> User:
    return account_for(family.agus, email="agus@example.id")


@pytest.fixture
def eko_user(kudus) -> User:
    eko = ResidentFactory(
        full_name="Eko Prasetyo", relationship=Relationship.HEAD, birth_date=years_ago(30)
    )
    return account_for(eko, email="eko@example.id")


@pytest.fixture
def helper_user(kudus) -> User:
    from paksemmok.population.models import Region

    return User.objects.create_user(
        username="sari",
        password="x-Pass-12345",
        role=User.Role.HELPER,
        email="sari@example.id",
        village=Region.objects.get(code="33.19.02.1001"),
    )


@pytest.fixture
def operator(db) -> User:
    return User.objects.create_user(
        username="budi", password="x-Pass-12345", role=User.Role.OPERATOR, services=["akta_lahir"]
    )


def variant(code: str) -> Variant:
    return Variant.objects.get(code=code)


# --- files made in the tests ------------------------------------------------------------


def photo_bytes(
    width: int = 1200,
    height: int = 900,
    *,
    fmt: str = "JPEG",
    seed: int = 1,
    gps: bool = False,
    colour: str | None = None,
) -> bytes:
    """A "photographed document": lines of dark strokes on paper, or one flat colour."""
    image = Image.new("RGB", (width, height), colour or (236, 232, 220))
    if colour is None:
        rng = random.Random(seed)
        draw = ImageDraw.Draw(image)
        for y in range(40, height - 40, 28):
            x = 40
            while x < width - 80:
                w = rng.randint(10, 60)
                draw.rectangle([x, y, x + w, y + 12], fill=(30, 30, 40))
                x += w + rng.randint(6, 20)
    out = io.BytesIO()
    kwargs = {}
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x8825] = {1: "S", 2: (6.0, 48.0, 20.0), 3: "E", 4: (110.0, 50.0, 10.0)}
        kwargs["exif"] = exif
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def photo(name: str = "foto.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, photo_bytes(**kwargs), content_type="image/jpeg")


def pdf_bytes(pages: int = 1, *, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf(name: str = "dokumen.pdf", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(**kwargs), content_type="application/pdf")


def fill_required(application, actor, answers: dict | None = None) -> None:
    """Uploads a file to every slot needed with these answers and saves the answers."""
    from paksemmok.applications.checks import needed_requirements
    from paksemmok.applications.services import attach_document, save_draft

    if answers:
        save_draft(application, data=answers, actor=actor)
    for i, requirement in enumerate(needed_requirements(application.variant, application.data)):
        upload = photo(seed=i) if "image" in requirement.file_kinds else pdf()
        attach_document(application, requirement, upload, actor=actor)


BIRTH_ANSWERS = {
    "child_name": "Putri Santoso",
    "child_sex": "P",
    "child_birth_place": "Kudus",
}


def birth_answers() -> dict:
    return {**BIRTH_ANSWERS, "child_birth_date": timezone.localdate() - dt.timedelta(days=10)}


@pytest.fixture(autouse=True)
def catalogue(django_db_blocker, request):
    """The shipped catalogue, restored if a transactional test elsewhere flushed the tables
    that migration 0002 fills."""
    if (
        "db" not in request.fixturenames
        and "transactional_db" not in request.fixturenames
        and not request.node.get_closest_marker("django_db")
    ):
        return
    # The test database, never the development one.
    request.getfixturevalue("django_db_setup")
    from django.apps import apps

    from paksemmok.catalog import seed
    from paksemmok.catalog.models import Service

    with django_db_blocker.unblock():
        if not Service.objects.exists():
            seed.load(apps)
