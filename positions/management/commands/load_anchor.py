import time

from django.core.management.base import BaseCommand, CommandError

from positions.devdata import bench_dataset


class Command(BaseCommand):
    help = (
        "Copy the benchmark harness's dataset (shared/bench/gen_data.py, already "
        "loaded into PostgreSQL) into this empty database with the same ids, so "
        "the app and the harness's servers answer from identical rows."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dsn",
            default="dbname=anchor_bench",
            help="libpq DSN of the harness database (default: dbname=anchor_bench).",
        )

    def handle(self, *args, dsn, **options):
        started = time.monotonic()
        try:
            counts = bench_dataset.load(dsn)
        except ValueError as error:
            raise CommandError(str(error)) from None
        summary = ", ".join(f"{count:,} {name}" for name, count in counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {summary} in {time.monotonic() - started:.1f} s."
            )
        )
