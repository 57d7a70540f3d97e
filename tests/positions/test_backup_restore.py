"""A backup restores to exactly what was saved (make backup / make restore)."""

import hashlib

import pytest
from django.core.management import call_command
from django.db import connection

from positions.models import Article, Position
from tests.factories import PositionFactory


def positions_checksum() -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    for row in Position.objects.order_by("id").values_list(
        "id", "actor_id", "proposal_id", "article_id", "stance", "stated_on", "quote"
    ):
        digest.update(repr(row).encode())
        count += 1
    return count, digest.hexdigest()


@pytest.mark.django_db(transaction=True)
def test_it_restores_exactly_what_was_backed_up(korea_case, tmp_path):
    PositionFactory(quote="a quote with ünïcödé and 'quotes'")
    before = positions_checksum(), Article.objects.count()
    suffix = "dump" if connection.vendor == "postgresql" else "sqlite3"
    backup = tmp_path / f"backup.{suffix}"

    call_command("backup", str(backup))
    Position.objects.filter(pk=korea_case.us_big_deal.pk).delete()
    Position.objects.filter(pk=korea_case.dprk_phased.pk).update(stance=-2)
    assert positions_checksum() != before[0]

    call_command("restore", str(backup), "--yes")

    assert (positions_checksum(), Article.objects.count()) == before
    assert backup.stat().st_size > 0


def test_it_refuses_to_restore_without_confirmation(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "none"))


def test_it_says_when_the_backup_file_is_missing(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No backup at"):
        call_command("restore", str(tmp_path / "none"), "--yes")
