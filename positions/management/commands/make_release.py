"""manage.py make_release NAME [--notes …] [--known-at …] [--user …]"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from config.lib.snapshots import parse_known_at
from positions.services import release_create


class Command(BaseCommand):
    help = (
        "Name a release: the data as it stands now (or at --known-at), with its "
        "files (gzipped CSV and Parquet per table, a data dictionary, SHA256SUMS) "
        "written once under RELEASES_ROOT/<slug>/."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="How the release is cited, e.g. 2026-12.")
        parser.add_argument("--notes", default="", help="What to know about it.")
        parser.add_argument(
            "--known-at", help="An ISO date-time in the past; default: now."
        )
        parser.add_argument("--user", help="Username recorded as its creator.")

    def handle(self, *args, name, notes, known_at, user, **options):
        by = None
        if user:
            try:
                by = get_user_model().objects.get_by_natural_key(user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user “{user}”.") from None
        try:
            instant = parse_known_at(known_at) if known_at else None
        except Exception as error:  # DRF's ValidationError, with the message
            raise CommandError(str(error)) from None
        try:
            release = release_create(name=name, notes=notes, by=by, known_at=instant)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(
            f"Release “{release.name}” ({release.slug}): data version "
            f"{release.data_version}, known at {release.known_at.isoformat()}, "
            f"{len(release.files)} files."
        )
