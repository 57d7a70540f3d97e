from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from positions.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the whole database: pg_dump custom format on PostgreSQL, a "
        "consistent file copy on SQLite. Prints the file written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path)

    def handle(self, *args, file, **options):
        if file is None:
            suffix = "dump" if connection.vendor == "postgresql" else "sqlite3"
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            file = Path("backups") / f"stance-{stamp}.{suffix}"
        try:
            written = backup(file)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Backup written to {written}"))
