import csv
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import InterfaceError, OperationalError
from tqdm import tqdm

from positions.importing import REQUIRED_COLUMNS, import_position_rows
from positions.position_fields import EXPORT_FIELD_NAMES
from positions.services import BulkValidationError

MAX_ERRORS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Import positions from a CSV file with the columns of the positions CSV "
        "export. Actors, speakers and proposals are named by slug or alias; the "
        "article by article_url (created from article_title, article_outlet and "
        "article_published_on when new) or by article id. All rows or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row, save nothing."
        )
        parser.add_argument(
            "--user",
            help="Username recorded as who added the positions (in their history).",
        )

    def handle(self, *args, file: Path, dry_run: bool, user: str | None, **options):
        recorded_by = self._user(user)
        rows = self._read(file)
        with tqdm(
            total=len(rows), unit="row", disable=options["verbosity"] == 0
        ) as bar:

            def checked(index: int) -> None:
                bar.update()
                if index + 1 == len(rows):
                    # Writing a large file takes a while after the last check.
                    bar.set_postfix_str("checked; saving")

            try:
                created = import_position_rows(
                    rows, recorded_by=recorded_by, dry_run=dry_run, on_row=checked
                )
            except (OperationalError, InterfaceError) as error:
                bar.close()
                raise CommandError(
                    f"Lost the database connection ({error}). Nothing was imported: "
                    "the import is all or nothing. Run it again."
                ) from None
            except BulkValidationError as error:
                bar.close()
                self._report(error)
                raise CommandError(
                    f"{len(error.errors)} of {len(rows)} rows are invalid; nothing was imported."
                ) from None
        if dry_run:
            self.stdout.write(
                f"Dry run: all {created} rows are valid; nothing was saved."
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {created} positions."))

    def _user(self, username: str | None):
        if username is None:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user is called {username!r}.") from None

    def _read(self, file: Path) -> list[dict]:
        try:
            with file.open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                missing = REQUIRED_COLUMNS - set(reader.fieldnames or [])
                if missing:
                    raise CommandError(
                        f"Missing columns: {', '.join(sorted(missing))}."
                    )
                # A misspelt column would otherwise be dropped without a word.
                unknown = set(reader.fieldnames) - set(EXPORT_FIELD_NAMES)
                if unknown:
                    raise CommandError(
                        f"Unknown columns: {', '.join(sorted(unknown))}. The columns "
                        "are those of the positions CSV export."
                    )
                return list(reader)
        except FileNotFoundError:
            raise CommandError(f"No file at {file}.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text.") from None

    def _report(self, error: BulkValidationError) -> None:
        for index, messages in list(error.errors.items())[:MAX_ERRORS_SHOWN]:
            # Line 1 is the header, so row 0 is on line 2.
            details = "; ".join(
                f"{field}: {' '.join(texts)}" for field, texts in messages.items()
            )
            self.stderr.write(f"line {index + 2}: {details}")
        if len(error.errors) > MAX_ERRORS_SHOWN:
            self.stderr.write(f"… and {len(error.errors) - MAX_ERRORS_SHOWN} more.")
