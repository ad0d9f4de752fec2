"""Database-side steps of `make stack-test`, run as `python actions.py <step> ...` with the
stack's environment: seed the residents, queue messages, and read back what was kept."""

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
    from paksemmok.accounts.models import User
    from paksemmok.notifications.services import notify

    users = list(User.objects.filter(role=User.Role.RESIDENT).exclude(phone=None)[:50])
    for n in range(int(count)):
        notify(
            template="generic",
            user=users[n % len(users)],
            context={"subject": f"Uji {tag}", "body": f"Pesan uji {tag} nomor {n}"},
        )
    print(f"queued {count}")


def report(acked: str) -> None:
    """What the database and the store say, checked against what the clients were told."""
    from django.core.files.storage import default_storage

    from paksemmok.applications.models import Application, ApplicationDocument
    from paksemmok.notifications.models import Message

    expected = json.loads(Path(acked).read_text())  # reference -> sha256 of last 201
    lost = []
    for reference, sha in expected.items():
        doc = (
            ApplicationDocument.objects.filter(
                application__reference=reference, replaced_at__isnull=True
            )
            .order_by("-id")
            .first()
        )
        if doc is None or doc.sha256 != sha:
            lost.append(reference)
            continue
        with default_storage.open(doc.file.name, "rb") as handle:
            import hashlib

            if hashlib.sha256(handle.read()).hexdigest() != sha:
                lost.append(reference)
    by_status: dict[str, int] = {}
    for status in Message.objects.values_list("status", flat=True):
        by_status[status] = by_status.get(status, 0) + 1
    print(
        json.dumps(
            {
                "lost_uploads": lost,
                "documents": ApplicationDocument.objects.count(),
                "applications": Application.objects.count(),
                "messages": by_status,
                "sent_keys": [
                    str(k)
                    for k in Message.objects.filter(status="sent").values_list("key", flat=True)
                ],
            }
        )
    )


def unsent() -> None:
    from paksemmok.notifications.models import Message

    print(Message.objects.exclude(status="sent").count())


if __name__ == "__main__":
    setup()
    step, *args = sys.argv[1:]
    {"seed": seed, "enqueue": enqueue, "report": report, "unsent": unsent}[step](*args)
