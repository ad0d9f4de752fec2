"""Demo accounts, printed by `make run`. Passwords and TOTP secrets here are for demos only.

Supervisor and admin must pass TOTP: their demo devices share one fixed, documented secret
(RFC 6238's test key), so a demo user can either add it to an authenticator app or print
the current code with `manage.py demo_totp <username>`.
"""

from __future__ import annotations

import datetime as dt
from binascii import hexlify

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import population as population_demo

ADMIN_PASSWORD = "demo-admin-2026"  # noqa: S105 - printed by `make run` on purpose
STAFF_PASSWORD = "demo-staf-2026"  # noqa: S105
RESIDENT_PASSWORD = "demo-warga-2026"  # noqa: S105
HELPER_PASSWORD = "demo-pendamping-2026"  # noqa: S105

# RFC 6238's test key "12345678901234567890"; in base32 GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ.
DEMO_TOTP_KEY = hexlify(b"12345678901234567890").decode()
DEMO_TOTP_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
# `demo_totp` prints codes only for devices with this name, never for real enrolments.
DEMO_DEVICE_NAME = "demo (kunci tetap)"

DEMO_RESIDENT_PHONE = "+6281200000001"
DEMO_HELPER_PHONE = "+6281200000002"

STAFF = [
    # username, role, first name, last name, services (operators only)
    (
        "operator",
        "operator",
        "Operator",
        "Layanan",
        ["kk", "ektp", "akta_lahir", "akta_mati", "kia"],
    ),
    ("supervisor", "supervisor", "Supervisor", "Layanan", []),
    ("perekaman", "perekaman", "Petugas", "Perekaman", []),
]


DEMO_STAFF_USERNAMES = ("admin", *(row[0] for row in STAFF))
DEMO_EMAIL_DOMAIN = "@example.invalid"


def demo_accounts():
    """Accounts the demo made: its staff (demo username and example.invalid e-mail), its
    resident and helper (their fixed phone numbers), and anyone holding the published TOTP
    key. `setup_demo` and the deploy check (demo/checks.py) both ask this."""
    from django.db.models import Q

    User = get_user_model()
    return User.objects.filter(
        Q(username__in=DEMO_STAFF_USERNAMES, email__endswith=DEMO_EMAIL_DOMAIN)
        | Q(username="pendamping", phone=DEMO_HELPER_PHONE)
        | Q(phone=DEMO_RESIDENT_PHONE)
        | Q(totpdevice__key=DEMO_TOTP_KEY)
    ).distinct()


def real_staff_accounts():
    """Staff accounts (any staff role, or admin-site access) that the demo did not make."""
    from django.db.models import Q

    User = get_user_model()
    from .history_generator import OFFICER_PREFIX

    staff = User.objects.filter(
        Q(role__in=User.STAFF_ROLES) | Q(is_staff=True) | Q(is_superuser=True)
    )
    # The generated history's officers cannot sign in (unusable password: "!...").
    generated = Q(username__startswith=OFFICER_PREFIX, password__startswith="!")  # noqa: S106
    return staff.exclude(pk__in=demo_accounts().values("pk")).exclude(generated)


def load_admin() -> None:
    User = get_user_model()
    # Never touch an account that exists (it may be a real one with the same name).
    if User.objects.filter(username="admin").exists():
        return
    User.objects.create_superuser(
        username="admin",
        password=ADMIN_PASSWORD,
        email="admin@example.invalid",
        first_name="Admin",
        last_name="Disdukcapil",
        role=User.Role.ADMIN,
    )


def load_staff() -> None:
    User = get_user_model()
    for username, role, first, last, services in STAFF:
        if User.objects.filter(username=username).exists():
            continue
        user = User(
            username=username,
            role=role,
            first_name=first,
            last_name=last,
            email=f"{username}@example.invalid",
            services=services,
            # Supervisors work in the admin too (catalogue, reassignments).
            is_staff=role == User.Role.SUPERVISOR,
        )
        user.set_password(STAFF_PASSWORD)
        user.save()


def load_totp() -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # Only the demo's own supervisor and admin get the published key: an existing account
    # with another origin keeps exactly the devices it has.
    staff = demo_accounts().filter(
        username__in=DEMO_STAFF_USERNAMES,
        email__endswith=DEMO_EMAIL_DOMAIN,
        role__in=[get_user_model().Role.SUPERVISOR, get_user_model().Role.ADMIN],
    )
    for user in staff:
        TOTPDevice.objects.get_or_create(
            user=user,
            name=DEMO_DEVICE_NAME,
            defaults={"key": DEMO_TOTP_KEY, "confirmed": True},
        )


def demo_resident():
    """The population demo's named resident when it is loaded, else a fixed choice: the
    living family head (20 or older) with the lowest NIK."""
    from paksemmok.population.models import Relationship, Resident

    # Budi Santoso, head of the demo family whose newborn still needs an akta kelahiran.
    for name in ("DEMO_RESIDENT_NIK", "DEMO_SANTOSO_HEAD_NIK"):
        nik = getattr(population_demo, name, None)
        found = (
            Resident.objects.filter(nik=nik, life_status=Resident.LifeStatus.ALIVE).first()
            if nik
            else None
        )
        if found is not None:
            return found
    adult_born_before = timezone.localdate() - dt.timedelta(days=365 * 20)
    return (
        Resident.objects.filter(
            life_status=Resident.LifeStatus.ALIVE,
            family__isnull=False,
            relationship=Relationship.HEAD,
            birth_date__lte=adult_born_before,
        )
        .select_related("family", "village")
        .order_by("nik")
        .first()
    )


def load_resident() -> None:
    """Idempotent: also called from logins(), so a register loaded after the accounts steps
    (or generated later with generate_population) still gets its demo resident."""
    User = get_user_model()
    if User.objects.filter(role=User.Role.RESIDENT, phone=DEMO_RESIDENT_PHONE).exists():
        return
    resident = demo_resident()
    if resident is None or User.objects.filter(username=resident.nik).exists():
        return
    user = User(
        username=resident.nik,
        role=User.Role.RESIDENT,
        resident=resident,
        first_name=resident.full_name[:150],
        phone=DEMO_RESIDENT_PHONE,
        email="warga@example.invalid",
        contact_verified=True,
    )
    user.set_password(RESIDENT_PASSWORD)
    user.save()


def load_helper() -> None:
    User = get_user_model()
    account = User.objects.filter(role=User.Role.RESIDENT, phone=DEMO_RESIDENT_PHONE).first()
    if account is None or account.resident is None:
        return
    if User.objects.filter(username="pendamping").exists():
        return
    user = User(
        username="pendamping",
        role=User.Role.HELPER,
        village=account.resident.village,
        first_name="Pendamping",
        last_name=f"Desa {account.resident.village.name}",
        phone=DEMO_HELPER_PHONE,
        contact_verified=True,
    )
    user.set_password(HELPER_PASSWORD)
    user.save()


STEPS = [
    ("accounts.admin", load_admin),
    ("accounts.staff", load_staff),
    ("accounts.totp", load_totp),
    ("accounts.resident", load_resident),
    ("accounts.helper", load_helper),
]


def logins() -> list[tuple[str, str, str]]:
    User = get_user_model()
    with transaction.atomic():
        load_resident()
        load_helper()
    rows = [("Admin (/staf/admin/, TOTP)", "admin", ADMIN_PASSWORD)]
    rows += [
        (f"{label}{' (TOTP)' if username == 'supervisor' else ''}", username, STAFF_PASSWORD)
        for username, label in [
            ("operator", "Operator"),
            ("supervisor", "Supervisor"),
            ("perekaman", "Petugas perekaman"),
        ]
    ]
    resident = User.objects.filter(role=User.Role.RESIDENT, phone=DEMO_RESIDENT_PHONE).first()
    if resident is not None:
        rows.append((f"Penduduk ({resident.first_name})", resident.username, RESIDENT_PASSWORD))
    helper = User.objects.filter(username="pendamping").first()
    if helper is not None:
        rows.append(("Pendamping desa", "pendamping", HELPER_PASSWORD))
    rows.append((f"Kode TOTP: manage.py demo_totp admin | kunci {DEMO_TOTP_BASE32}", "", ""))
    return rows
