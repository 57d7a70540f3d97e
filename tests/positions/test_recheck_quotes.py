"""manage.py recheck_quotes: every quote checked again against its
article's text, the changed checks saved with history, counted."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from positions.models import Article, Position, QuoteCheck
from tests.factories import ArticleFactory, PositionFactory

HERALD_BODY = (
    "Pyongyang threatened to pull out of nuclear negotiations. The leader said "
    "the talks would continue despite the collapse of the Hanoi summit."
)


@pytest.fixture
def stale(korea_case):
    """Checks left behind: rows written around the check (as a restore or a
    raw import would), so the stored outcomes no longer match the text."""
    Position.objects.filter(article=korea_case.herald).update(quote_check="no_text")
    Article.objects.filter(pk=korea_case.herald.pk).update(body=HERALD_BODY)
    Position.objects.filter(pk=korea_case.us_big_deal.pk).update(
        quote="The leader said the talks would resume despite the collapse of the "
        "Hanoi summit."
    )
    other = ArticleFactory(body="Seoul proposed a road map, step by step.")
    unchanged = PositionFactory(
        article=other,
        actor=korea_case.rok,
        proposal=korea_case.road_map,
        quote="a road map, step by step",
    )
    moved = PositionFactory(
        article=other,
        actor=korea_case.us,
        proposal=korea_case.road_map,
        quote="Seoul proposed",
    )
    # Checked against an earlier text: the passage has moved since.
    Position.objects.filter(pk=moved.pk).update(quote_check_start=5, quote_check_end=19)
    korea_case.unchanged, korea_case.moved = unchanged, moved
    return korea_case


def _checks():
    return {
        row[0]: row[1:]
        for row in Position.objects.values_list(
            "id", "quote_check", "quote_check_start", "quote_check_end"
        )
    }


def _run(*args) -> str:
    out = StringIO()
    call_command("recheck_quotes", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_counts_and_saves_nothing(stale):
    before, history = _checks(), Position.history.count()

    output = _run("--dry-run")

    assert _checks() == before
    assert Position.history.count() == history
    assert "Checked 6 quotes." in output
    assert "found verbatim: 3, a close match: 1" in output
    assert "3 check(s) would change" in output
    assert "Dry run: nothing was saved." in output


@pytest.mark.parametrize("batch_size", ["500", "1", "2"])
def test_it_saves_the_checks_that_changed_with_history(stale, batch_size):
    history = Position.history.count()

    output = _run("--batch-size", batch_size)

    checks = _checks()
    start = HERALD_BODY.index("threatened")
    assert checks[stale.dprk_big_deal.pk] == (QuoteCheck.VERBATIM, start, start + 46)
    assert checks[stale.us_big_deal.pk][0] == QuoteCheck.CLOSE
    assert checks[stale.moved.pk] == (QuoteCheck.VERBATIM, 0, 14)
    assert checks[stale.dprk_phased.pk] == (QuoteCheck.NO_TEXT, None, None)
    # One history record for each changed check, none for the others.
    assert Position.history.count() == history + 3
    latest = Position.history.filter(id=stale.dprk_big_deal.pk).latest("history_id")
    assert latest.quote_check == QuoteCheck.VERBATIM
    assert latest.history_change_reason == (
        "quote re-checked against the article's text"
    )
    assert "Checked 6 quotes." in output
    assert "found verbatim: 3, a close match: 1, not found in the text: 0" in output
    assert "no_text → close: 1" in output
    assert "no_text → verbatim: 1" in output
    assert "verbatim → verbatim (another passage or score): 1" in output
    assert "3 check(s) changed" in output

    assert "0 check(s) changed" in _run()
    assert Position.history.count() == history + 3


def test_it_records_who_ran_it(stale, curator):
    _run("--user", curator.username)

    latest = Position.history.filter(id=stale.dprk_big_deal.pk).latest("history_id")
    assert latest.history_user == curator


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--batch-size", "0"], "at least 1"), (["--user", "nobody"], "nobody")],
)
def test_it_refuses_a_bad_argument(db, args, message):
    with pytest.raises(CommandError, match=message):
        _run(*args)
