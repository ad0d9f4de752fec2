"""Database-side steps of `make stack-test`, run as `python actions.py <step> ...` with the
stack's environment: seed the residents, queue messages."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def setup() -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paksemmok.settings")
    django.setup()


def seed(out: str, count: str) -> None:
    """`count` residents who may order an e-KTP, each with an account, an API token and a
    draft waiting for its KK photo."""
    from paksemmok.accounts.models import User
    from paksemmok.api.models import ApiToken
    from paksemmok.applications import services
    from paksemmok.catalog.models import Variant
    from paksemmok.population.models import Resident

    variant = Variant.objects.get(code="ektp-cetak")
    people = []
    for n, resident in enumerate(
        Resident.objects.filter(life_status=Resident.LifeStatus.ALIVE, family__isnull=False)
        .exclude(account__isnull=False)
        .order_by("id")
    ):
        if len(people) >= int(count):
            break
        user = User.objects.create_user(
            username=resident.nik,
            password=f"stack-Pass-{n}-x",
            role=User.Role.RESIDENT,
            resident=resident,
            first_name=resident.full_name,
            phone=f"+62812{n:08d}",
            preferred_channel="whatsapp",
            contact_verified=True,
        )
        try:
            draft = services.create_draft(applicant=user, variant=variant, subject=resident)
        except Exception:  # not eligible (age, recording): try the next resident
            user.delete()
            continue
        _, raw = ApiToken.issue(user)
        people.append({"user": user.pk, "token": raw, "reference": draft.reference})
    Path(out).write_text(json.dumps(people))
    print(f"seeded {len(people)} residents")


def enqueue(count: str, tag: str) -> None:
    from django.db import transaction

    from paksemmok.accounts.models import User
    from paksemmok.notifications.services import notify

    users = list(User.objects.filter(role=User.Role.RESIDENT).exclude(phone=None)[:50])
    # One commit: the whole batch is due at once, so the drill meets the workers mid-queue.
    with transaction.atomic():
        for n in range(int(count)):
            notify(
                template="generic",
                user=users[n % len(users)],
                context={"subject": f"Uji {tag}", "body": f"Pesan uji {tag} nomor {n}"},
            )
    print(f"queued {count}")


if __name__ == "__main__":
    setup()
    step, *args = sys.argv[1:]
    {"seed": seed, "enqueue": enqueue}[step](*args)
