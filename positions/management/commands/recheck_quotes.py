import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from positions.models import QuoteCheck
from positions.services import quotes_recheck
from positions.services.quotes import RECHECK_BATCH_SIZE


class Command(BaseCommand):
    help = (
        "Check every position's quote against its article's stored text again "
        "(verbatim, close, not found, no text) and save the checks that changed, "
        "each with a history record. --dry-run only counts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check and count, but save nothing.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=RECHECK_BATCH_SIZE,
            help=f"Positions checked per transaction (default {RECHECK_BATCH_SIZE}).",
        )
        parser.add_argument(
            "--user",
            help="Who is recorded in history as having changed the checks.",
        )

    def handle(self, *args, dry_run, batch_size, user, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        by = None
        if user is not None:
            try:
                by = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user is called {user!r}.") from None
        started = time.monotonic()
        summary = quotes_recheck(dry_run=dry_run, batch_size=batch_size, by=by)
        outcomes = ", ".join(
            f"{QuoteCheck(outcome).label}: {summary.outcomes[outcome]:,}"
            for outcome in QuoteCheck.values
        )
        self.stdout.write(f"Checked {summary.checked:,} quotes. {outcomes}.")
        for (before, after), count in sorted(summary.transitions.items()):
            moved = " (another passage or score)" if before == after else ""
            self.stdout.write(f"  {before} → {after}{moved}: {count:,}")
        verb = "would change" if dry_run else "changed"
        message = (
            f"{summary.changed:,} check(s) {verb} in "
            f"{time.monotonic() - started:.1f} s."
        )
        if dry_run:
            message += " Dry run: nothing was saved."
        self.stdout.write(self.style.SUCCESS(message))
