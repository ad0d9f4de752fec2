import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from paksemmok.demo.population_generator import PopulationError, generate_population


class Command(BaseCommand):
    help = (
        "Generates a synthetic population (families, residents, KK version 1) over the "
        "regency's villages. Needs `import_regions` first; refuses a non-empty register "
        "unless --append is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, required=True, help="how many residents")
        parser.add_argument("--seed", type=int, default=1, help="same seed, same people")
        parser.add_argument(
            "--append", action="store_true", help="add to a register that already has residents"
        )
        parser.add_argument(
            "--reference-date",
            type=dt.date.fromisoformat,
            default=None,
            help="'today' for ages (YYYY-MM-DD); fixes the output across days",
        )
        parser.add_argument(
            "--method",
            choices=["auto", "orm"],
            default="auto",
            help="auto: COPY/executemany; orm: Django bulk_create",
        )
        parser.add_argument(
            "--chunk", type=int, default=20000, help="residents written per batch (bounds memory)"
        )

    def handle(self, *args, residents, seed, append, reference_date, method, chunk, **options):
        verbosity = options["verbosity"]

        def progress(done: int, total: int) -> None:
            if verbosity > 1:
                self.stdout.write(f"  {done:>9,} / {total:,} penduduk")

        started = time.perf_counter()
        try:
            result = generate_population(
                residents,
                seed,
                reference_date=reference_date,
                append=append,
                method=method,
                chunk_residents=chunk,
                progress=progress,
            )
        except PopulationError as exc:
            raise CommandError(str(exc)) from exc
        # Measured here, after the commit: on PostgreSQL the deferred foreign-key checks run
        # at commit and take a good share of the time.
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.residents:,} penduduk dalam {result.families:,} KK di {result.villages} "
                f"desa/kelurahan dibuat dalam {seconds:.1f} detik, {result.seconds:.1f} detik "
                f"sebelum commit (seed {result.seed}, metode {result.method})."
            )
        )
