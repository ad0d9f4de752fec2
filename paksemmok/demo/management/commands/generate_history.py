import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from paksemmok.demo.history_generator import HistoryError, generate_history


class Command(BaseCommand):
    help = (
        "Adds synthetic, finished application history (applications, decisions, reasons, "
        "perekaman bookings) for the dashboards, ending yesterday. Needs regions, the "
        "catalogue and a register (generate_population). No events or audit entries are "
        "written; see paksemmok/demo/history_generator.py."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=60, help="how many days of history, ending with --end"
        )
        parser.add_argument(
            "--end",
            type=dt.date.fromisoformat,
            default=None,
            help="last day (YYYY-MM-DD), yesterday by default",
        )
        parser.add_argument(
            "--per-day",
            type=int,
            default=150,
            help="applications per day on average (weekdays get more)",
        )
        parser.add_argument(
            "--count",
            type=int,
            default=None,
            help="exactly this many applications in all (overrides --per-day)",
        )
        parser.add_argument("--seed", type=int, default=1, help="same seed, same history")
        parser.add_argument(
            "--no-bookings", action="store_true", help="skip the perekaman bookings"
        )
        parser.add_argument(
            "--open-share",
            type=float,
            default=0.0,
            help="leave this share (0-1) open, awaiting a decision: a back-office backlog",
        )
        parser.add_argument(
            "--method",
            choices=["auto", "orm"],
            default="auto",
            help="auto: COPY/executemany; orm: Django bulk_create",
        )

    def handle(
        self, *args, days, end, per_day, count, seed, no_bookings, method, open_share, **options
    ):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        end = end or timezone.localdate() - dt.timedelta(days=1)
        start = end - dt.timedelta(days=days - 1)
        verbosity = options["verbosity"]

        def progress(done: int, total: int) -> None:
            if verbosity > 1 and done and done % 100000 < per_day * 2:
                self.stdout.write(f"  {done:>9,} / {total:,} permohonan")

        started = time.perf_counter()
        try:
            result = generate_history(
                start=start,
                end=end,
                per_day=per_day,
                count=count,
                seed=seed,
                bookings=not no_bookings,
                method=method,
                progress=progress,
                open_share=open_share,
            )
        except HistoryError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{result.applications:,} permohonan, {result.decisions:,} keputusan, "
            f"{result.reasons:,} alasan, {result.bookings:,} janji perekaman "
            f"({start:%Y-%m-%d} s.d. {end:%Y-%m-%d}, seed {seed}, {result.method}) "
            f"dalam {time.perf_counter() - started:.1f} s"
        )
