from django.core.management.base import BaseCommand

from paksemmok.jobs.worker import Worker


class Command(BaseCommand):
    help = "Runs the background worker: heartbeat, periodic jobs, outbox and queued tasks."

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-ticks",
            type=int,
            default=None,
            help="Stop after this many ticks (tests, one-off runs).",
        )
        parser.add_argument("--tick", type=float, default=None, help="Seconds per tick.")

    def handle(self, *args, **options):
        Worker(tick=options["tick"]).run(max_ticks=options["max_ticks"])
