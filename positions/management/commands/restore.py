from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from positions.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace the database's contents with a backup made by `manage.py backup`. "
        "Everything stored now is overwritten: --yes confirms it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="Confirm overwriting the database."
        )

    def handle(self, *args, file, yes, **options):
        if not yes:
            raise CommandError(
                "This overwrites everything in the database; run again with --yes."
            )
        try:
            restore(file)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored the database from {file}"))
