import time

from django.core.management.base import BaseCommand, CommandError

from paksemmok.population.invariants import RULES, check_register


class Command(BaseCommand):
    help = (
        "Checks the register's invariants (one KK per living resident, one living head per "
        "KK, valid and unique NIK/No. KK, a KK version for every change, no Kawin widow(er)s, "
        "children born after their parents, likely duplicate people) and prints each "
        "violation with its records. Exits non-zero when any is found."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rule",
            action="append",
            choices=sorted(RULES),
            help="check only this rule (repeatable); all by default",
        )
        parser.add_argument(
            "--limit",
            type=int,
            default=50,
            help="violations printed per rule (all are counted); 0 prints all",
        )

    def handle(self, *args, rule, limit, **options):
        started = time.perf_counter()
        report = check_register(rules=rule)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Register: {report.residents:,} penduduk, {report.families:,} KK berlaku; "
            f"diperiksa dalam {seconds:.1f} detik."
        )
        for code, violations in report.by_rule().items():
            if rule and code not in rule:
                continue
            title = RULES[code].title
            timing = report.seconds.get(code, 0.0)
            if not violations:
                self.stdout.write(f"  OK    {code}: {title} ({timing:.1f} s)")
                continue
            self.stdout.write(
                self.style.ERROR(f"  GAGAL {code}: {title}: {len(violations)} pelanggaran")
                + f" ({timing:.1f} s)"
            )
            shown = violations if not limit else violations[:limit]
            for violation in shown:
                self.stdout.write(f"        - {violation.message}")
                for record in violation.records:
                    self.stdout.write(f"            {record}")
            if len(shown) < len(violations):
                self.stdout.write(f"        ... dan {len(violations) - len(shown)} lagi")
        if not report.ok:
            raise CommandError(f"{len(report.violations)} pelanggaran invarian register.")
        self.stdout.write(self.style.SUCCESS("0 pelanggaran."))
