from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from paksemmok.notifications.delivery import deliver_due
from paksemmok.notifications.services import notify


class Command(BaseCommand):
    help = "Queues a test message to check a gateway configuration, and sends it with --send."

    def add_arguments(self, parser):
        parser.add_argument("--phone", default=None)
        parser.add_argument("--email", default=None)
        parser.add_argument("--channel", default=None, choices=["whatsapp", "sms", "email"])
        parser.add_argument("--language", default="id")
        parser.add_argument("--send", action="store_true", help="Deliver right away.")

    def handle(self, *args, **options):
        try:
            message = notify(
                template="generic",
                to_phone=options["phone"],
                to_email=options["email"],
                channel=options["channel"],
                language=options["language"],
                context={
                    "subject": "Pak Semmok: pesan uji",
                    "body": "Pesan uji dari Pak Semmok. Abaikan pesan ini.",
                },
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"queued message {message.pk} via {message.channel}")
        if options["send"]:
            deliver_due(batch_size=100)
            message.refresh_from_db()
            self.stdout.write(f"status {message.status} {message.last_error}".strip())
