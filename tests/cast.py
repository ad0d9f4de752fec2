"""The shared test cast and helpers, imported by name; the fixtures are in tests/conftest.py.

The Santoso family of Purwosari on one KK: Agus (head, 40, recorded, account holder), Rina (his
wife, 37), Dimas (16, not recorded, single), Sinta (8) and Bayu (2). Eko lives on another KK
and has his own account. Sari is the village helper. Staff: Budi (operator, every service),
Citra (operator, e-KTP only), Dewi (supervisor, TOTP). Files are made in the tests: photos of
"documents" with enough texture to pass the blank check, and PDFs built with pypdf.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import zoneinfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw
from pypdf import PdfWriter

from paksemmok.accounts.models import User
from paksemmok.appointments.models import OpeningHours, Place
from paksemmok.catalog.models import Variant
from paksemmok.population.models import MaritalStatus, Region, Relationship, Resident, Sex
from tests.factories import FamilyFactory, ResidentFactory

PASSWORD = "x-Pass-12345"
ALL_SERVICES = ["kk", "ektp", "akta_lahir", "akta_mati", "kia"]


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
        password=PASSWORD,
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


def variant(code: str) -> Variant:
    return Variant.objects.get(code=code)


# --- perekaman: the clock is Tuesday 1 December 2026, 07.00 WIB unless a test says otherwise

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")


def wib(*args) -> dt.datetime:
    """A moment in Kudus time (WIB): wib(2026, 5, 4, 9, 30)."""
    return dt.datetime(*args, tzinfo=WIB)


NOW = dt.datetime(2026, 12, 1, 7, 0, tzinfo=WIB)


def at(day: dt.date | str, hhmm: str) -> dt.datetime:
    """An aware Kudus datetime: at("2026-12-02", "08:15")."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm), tzinfo=WIB)


def make_office(
    region: Region, *, stations: int = 2, name: str = "Kantor Uji", kind: str = Place.Kind.DINAS
) -> Place:
    place = Place.objects.create(
        kind=kind, name=name, region=region, stations=stations, minutes_per_recording=15
    )
    for weekday in range(4):
        OpeningHours.objects.create(
            place=place,
            weekday=weekday,
            opens=dt.time(8),
            closes=dt.time(15),
            break_start=dt.time(12),
            break_end=dt.time(13),
        )
    OpeningHours.objects.create(place=place, weekday=4, opens=dt.time(8), closes=dt.time(11))
    return place


def not_recorded(**kwargs) -> Resident:
    kwargs.setdefault("ektp_recording", Resident.Recording.NOT_RECORDED)
    kwargs.setdefault("birth_date", dt.date(2000, 3, 4))
    return ResidentFactory(**kwargs)


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


def staff(
    username: str, role: str = User.Role.OPERATOR, services=None, first_name: str = "", **extra
) -> User:
    return User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        first_name=first_name or username.title(),
        services=services or [],
        **extra,
    )


def submitted(applicant, code: str, subject=None, answers: dict | None = None):
    """An application sent by `applicant`, with every required file uploaded."""
    from paksemmok.applications import services as app_services

    app = app_services.create_draft(applicant=applicant, variant=variant(code), subject=subject)
    fill_required(app, applicant, answers or {})
    app_services.submit_application(app, actor=applicant)
    return app


def clones(app, count: int, prefix: str, vary=None) -> list:
    """`count` copies of a real application saved in one INSERT, for backlogs: each with its
    own reference (`prefix` and a number) and subject key; `vary(i, clone)` sets the rest."""
    from paksemmok.applications.models import Application

    rows = []
    for i in range(count):
        clone = Application.objects.get(pk=app.pk)
        clone.pk = None
        clone.reference = f"{prefix}-{i:05d}"
        clone.subject_key = f"{prefix}-{i}"
        if vary is not None:
            vary(i, clone)
        rows.append(clone)
    return Application.objects.bulk_create(rows)


def approve(app, officer) -> list:
    """`officer` claims `app` and approves it; returns the documents issued."""
    from paksemmok.backoffice import services as backoffice

    backoffice.claim_application(app, actor=officer)
    return backoffice.approve(app, actor=officer)


def confirmed_device(user: User):
    """The user's confirmed TOTP device (made once)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})[0]


def sign_in_with_totp(client, user: User) -> None:
    """Signs `user` in and marks the session as having passed the TOTP step, as the verify
    page does (django-otp's session key). Works for Django's and DRF's test clients."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
    session.save()


def client_for(user):
    """A Django test client signed in as `user`."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def login_cookie(user, live_server) -> dict:
    """A session cookie for a browser test: signed in without going through the form."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


CODE_RE = re.compile(r"\b(\d{6})\b")


def latest_code(user: User, template: str = "verification_code") -> str:
    from paksemmok.notifications.models import Message

    message = Message.objects.filter(user=user, template=template).order_by("-id").first()
    assert message is not None, f"no {template} message for {user}"
    match = CODE_RE.search(message.body)
    assert match, message.body
    return match.group(1)


def post_login(client, username: str, password: str = PASSWORD, **extra):
    return client.post("/akun/masuk/", {"username": username, "password": password, **extra})


def with_hostile_files(applicant):
    """A sent birth application whose KK is a PDF carrying JavaScript and whose other photo
    is blurred."""
    from PIL import ImageFilter

    from paksemmok.applications import services as app_services
    from paksemmok.catalog.models import Requirement
    from tests.applications import hostile_files as hostile

    app = app_services.create_draft(applicant=applicant, variant=variant("akta-kelahiran"))
    fill_required(app, applicant, birth_answers())
    kk = Requirement.objects.get(variant=app.variant, code="kk")
    app_services.attach_document(
        app, kk, SimpleUploadedFile("kk.pdf", hostile.js_pdf()), actor=applicant
    )
    photo_slot = next(
        r.requirement
        for r in app.current_documents().select_related("requirement")
        if r.requirement.code != "kk" and "image" in r.requirement.file_kinds
    )
    blurred = hostile.jpeg(hostile.document_image(1200, 900).filter(ImageFilter.GaussianBlur(5)))
    app_services.attach_document(
        app, photo_slot, SimpleUploadedFile("x.jpg", blurred), actor=applicant
    )
    app_services.submit_application(app, actor=applicant)
    return app, photo_slot


def form_data(person, **overrides) -> dict:
    data = {
        "nik": person.nik,
        "kk_number": person.family.kk_number,
        "full_name": person.full_name,
        "birth_date": person.birth_date.isoformat(),
        "phone": "0812-3456-7890",
        "email": "",
        "channel": "whatsapp",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def signup(client, data):
    from django.urls import reverse

    return client.post(reverse("accounts:signup"), data)


def resident_accounts(n: int) -> list[User]:
    """`n` residents of the register, each with a verified account (password PASSWORD)."""
    users = []
    for _i in range(n):
        resident = ResidentFactory()
        user = User(username=resident.nik, role=User.Role.RESIDENT, resident=resident)
        user.contact_verified = True
        user.set_password(PASSWORD)
        user.save()
        users.append(user)
    return users


def act_for(client, helper: User, account: User, minutes: int = 30) -> None:
    """Puts the session of `client` (signed in as `helper`) where accounts.acting.begin puts
    it once the resident's code is accepted: acting for `account` for `minutes`."""
    from paksemmok.accounts import acting

    session = client.session
    session[acting.SESSION_KEY] = {
        "user": account.pk,
        "helper": helper.pk,
        "until": (timezone.now() + dt.timedelta(minutes=minutes)).timestamp(),
    }
    session.save()


def run_machine(machine, *, examples: int, steps: int) -> None:
    """Runs a hypothesis state machine whose examples each roll back their own savepoint:
    `examples` of them (MACHINE_EXAMPLES overrides, for a longer hunt), `steps` steps
    each, with no deadline (database work is slow by hypothesis's measure)."""
    import os

    from hypothesis import HealthCheck, settings
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=int(os.environ.get("MACHINE_EXAMPLES", examples)),
            stateful_step_count=steps,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
