from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from paksemmok.notifications.delivery import deliver_due, reclaim_stuck


class Command(BaseCommand):
    help = (
        "Sends due notifications from the outbox. `manage.py worker` already does this; "
        "use this for a dedicated notification worker or a one-off flush."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One batch, then exit.")
        parser.add_argument("--until-empty", action="store_true", help="Exit when nothing is due.")
        parser.add_argument("--batch-size", type=int, default=None)
        parser.add_argument("--worker-id", default=None)
        parser.add_argument("--idle-sleep", type=float, default=1.0)

    def handle(self, *args, **options):
        total = 0
        reclaim_stuck()
        while True:
            stats = deliver_due(batch_size=options["batch_size"], worker_id=options["worker_id"])
            total += stats.sent
            if options["once"] or (options["until_empty"] and stats.claimed == 0):
                break
            if stats.claimed == 0:
                time.sleep(options["idle_sleep"])
        self.stdout.write(f"sent {total}")
