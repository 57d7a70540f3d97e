import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from positions.models import Article, Confidence, Event, Position

D = datetime.date.fromisoformat

COLUMNS = [
    "actor",
    "proposal",
    "stance",
    "stated_on",
    "speaker",
    "quote",
    "note",
    "confidence",
    "article_url",
    "article_title",
    "article_outlet",
    "article_published_on",
]

NK_NEWS = {
    "article_url": "https://www.nknews.org/2019/03/envoy-briefing/?utm_source=twitter#top",
    "article_title": "Envoy briefs allies on Hanoi follow-up",
    "article_outlet": "NK News",
    "article_published_on": "2019-03-29",
}


def _export(api_client) -> list[dict]:
    response = api_client.get("/api/v1/positions/?format=csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def talks_event(korea_case):
    return Event.objects.create(
        negotiation=korea_case.talks,
        title="Envoys' talks",
        kind="talks",
        starts_on=datetime.date(2019, 3, 28),
    )


def _write(tmp_path, rows, columns=None):
    path = tmp_path / "positions.csv"
    columns = columns or COLUMNS
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _import(path, *options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_positions", str(path), *options, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _herald_row(korea_case, **fields):
    return {
        "proposal": "big-deal",
        "stance": "1",
        "stated_on": "2019-03-27",
        "article_url": korea_case.herald.url,
        "article_title": korea_case.herald.title,
        "article_outlet": korea_case.herald.outlet,
        "article_published_on": "2019-03-28",
        **fields,
    }


def test_it_imports_a_modified_export_of_the_positions(
    api_client, korea_case, tmp_path
):
    rows = _export(api_client)
    assert len(rows) == 4
    for row in rows:
        row["stated_on"] = "2019-03-29"
        row["stance"] = str(-int(row["stance"]))
        row["confidence"] = "high"
        row["quote"] = f"re-coded: {row['quote']}"
    path = _write(tmp_path, rows, columns=list(rows[0]))

    out, _ = _import(path)

    assert "Imported 4 positions." in out
    imported = Position.objects.filter(stated_on=D("2019-03-29")).order_by(
        "actor__slug", "proposal__slug"
    )
    assert [
        (p.actor.slug, p.proposal.slug, p.stance, p.article_id, p.confidence)
        for p in imported
    ] == [
        ("north-korea", "big-deal", 2, korea_case.herald.pk, Confidence.HIGH),
        ("north-korea", "phased-deal", -2, korea_case.herald.pk, Confidence.HIGH),
        ("south-korea", "road-map", -2, korea_case.herald.pk, Confidence.HIGH),
        ("us", "big-deal", -2, korea_case.herald.pk, Confidence.HIGH),
    ]
    assert imported.get(actor__slug="north-korea", proposal__slug="big-deal").quote == (
        "re-coded: threatened to pull out of nuclear negotiations"
    )
    assert Position.objects.count() == 8
    assert Article.objects.count() == 1


def test_it_refuses_an_unmodified_export_as_duplicates(
    api_client, korea_case, tmp_path
):
    rows = _export(api_client)
    path = _write(tmp_path, rows, columns=list(rows[0]))

    with pytest.raises(CommandError, match="4 of 4 rows are invalid"):
        _import(path)

    assert Position.objects.count() == 4


def test_it_finds_actors_by_slug_alias_or_short_name(korea_case, tmp_path):
    korea_case.dprk.aliases = ["Pyongyang"]
    korea_case.dprk.save()
    korea_case.pompeo.aliases = ["Secretary Pompeo"]
    korea_case.pompeo.save()
    path = _write(
        tmp_path,
        [
            _herald_row(korea_case, actor="south-korea", proposal="phased-deal"),
            _herald_row(korea_case, actor="DPRK", proposal="road-map"),
            _herald_row(korea_case, actor="pyongyang", proposal="big-deal"),
            _herald_row(korea_case, speaker="Secretary Pompeo", proposal="road-map"),
            _herald_row(
                korea_case, actor="US", speaker="mike-pompeo", proposal="phased-deal"
            ),
        ],
    )

    out, _ = _import(path)

    assert "Imported 5 positions." in out
    assert sorted(
        (p.actor.slug, p.proposal.slug, p.speaker.slug if p.speaker else None)
        for p in Position.objects.filter(stated_on=D("2019-03-27"))
    ) == [
        ("north-korea", "big-deal", None),
        ("north-korea", "road-map", None),
        ("south-korea", "phased-deal", None),
        ("us", "phased-deal", "mike-pompeo"),
        # The side taken from Pompeo's affiliation on the day.
        ("us", "road-map", "mike-pompeo"),
    ]


def test_it_creates_a_new_article_once_from_its_columns(korea_case, tmp_path):
    path = _write(
        tmp_path,
        [
            {**NK_NEWS, "actor": "us", "proposal": "big-deal", "stance": "2"}
            | {"stated_on": "2019-03-29"},
            {**NK_NEWS, "actor": "south-korea", "proposal": "road-map"}
            | {"stance": "1", "stated_on": "2019-03-28"},
        ],
    )

    out, _ = _import(path)

    assert "Imported 2 positions." in out
    assert Article.objects.count() == 2
    article = Article.objects.get(outlet="NK News")
    assert (article.url, article.title, article.published_on) == (
        NK_NEWS["article_url"],
        "Envoy briefs allies on Hanoi follow-up",
        D("2019-03-29"),
    )
    assert sorted(article.positions.values_list("actor__slug", "stance")) == [
        ("south-korea", 1),
        ("us", 2),
    ]


def test_it_reuses_an_article_whose_normalised_url_exists(korea_case, tmp_path):
    path = _write(
        tmp_path,
        [
            _herald_row(
                korea_case,
                actor="south-korea",
                article_url="https://WWW.KoreaHerald.com/view.php?ud=20190328000716"
                "&utm_campaign=share#comments",
                article_title="A different title that must not be used",
            )
        ],
    )

    _import(path)

    assert Article.objects.count() == 1
    position = Position.objects.get(
        actor__slug="south-korea", proposal__slug="big-deal"
    )
    assert position.article == korea_case.herald
    korea_case.herald.refresh_from_db()
    assert korea_case.herald.title.startswith("South Korean nuclear envoy")


def test_it_saves_nothing_on_a_dry_run(korea_case, tmp_path):
    path = _write(
        tmp_path,
        [
            _herald_row(korea_case, actor="south-korea"),
            {**NK_NEWS, "actor": "us", "proposal": "road-map", "stance": "-1"}
            | {"stated_on": "2019-03-29"},
        ],
    )

    out, _ = _import(path, "--dry-run")

    assert "Dry run" in out
    assert "2 rows are valid" in out
    assert Position.objects.count() == 4
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    ("bad", "column"),
    [
        ({"actor": "Atlantis"}, "actor"),
        ({"stated_on": "2019-02-30"}, "stated_on"),
        # Published on 03-28: one day of slack for time zones, not two.
        ({"stated_on": "2019-03-30"}, "stated_on"),
    ],
)
def test_it_keeps_nothing_when_one_row_is_invalid(korea_case, tmp_path, bad, column):
    path = _write(
        tmp_path,
        [
            {**NK_NEWS, "actor": "us", "proposal": "road-map", "stance": "-1"}
            | {"stated_on": "2019-03-29"},
            _herald_row(korea_case, actor="south-korea") | bad,
            _herald_row(korea_case, actor="north-korea", proposal="road-map"),
        ],
    )

    err = io.StringIO()

    with pytest.raises(CommandError, match="1 of 3 rows are invalid") as raised:
        call_command("import_positions", str(path), stdout=io.StringIO(), stderr=err)

    assert "nothing was imported" in str(raised.value)
    # The header is line 1, so the second row is on line 3.
    [report] = [line for line in err.getvalue().splitlines() if line.startswith("line")]
    assert report.startswith(f"line 3: {column}:")
    assert Position.objects.count() == 4
    assert Article.objects.count() == 1
    assert not Article.objects.filter(outlet="NK News").exists()


def test_it_names_every_bad_line(korea_case, tmp_path):
    path = _write(
        tmp_path,
        [
            _herald_row(korea_case, actor="Atlantis"),
            _herald_row(korea_case, actor="south-korea"),
            _herald_row(korea_case, actor="us", proposal="no-such-plan"),
        ],
    )
    err = io.StringIO()

    with pytest.raises(CommandError, match="2 of 3 rows are invalid"):
        call_command("import_positions", str(path), stdout=io.StringIO(), stderr=err)

    lines = [line for line in err.getvalue().splitlines() if line.startswith("line")]
    assert [line.split(":")[0] for line in lines] == ["line 2", "line 4"]
    assert "Atlantis" in lines[0]
    assert "no-such-plan" in lines[1]
    assert Position.objects.count() == 4


def test_it_refuses_a_file_without_the_required_columns(korea_case, tmp_path):
    path = _write(tmp_path, [{"actor": "us"}], columns=["actor", "stance"])

    with pytest.raises(CommandError, match="Missing columns: proposal, stated_on"):
        _import(path)

    assert Position.objects.count() == 4


def test_it_refuses_a_file_with_a_column_it_does_not_know(korea_case, tmp_path):
    row = {
        "actor": "us",
        "proposal": "road-map",
        "stance": "1",
        "stated_on": "2019-03-28",
        "article": str(korea_case.herald.pk),
        "confidance": "high",
    }
    path = _write(tmp_path, [row], columns=list(row))

    with pytest.raises(CommandError, match="Unknown columns: confidance"):
        _import(path)

    assert Position.objects.count() == 4


def test_it_imports_the_record_of_a_statement(korea_case, tmp_path, talks_event):
    row = {
        "actor": "north-korea",
        "speaker": "",
        "proposal": "phased-deal",
        "stance": "2",
        "stated_on": "2019-03-27",
        "article": str(korea_case.herald.pk),
        "event": talks_event.slug,
        "attribution": "other_side",
        "condition": "if the US takes corresponding measures",
        "condition_proposal": "road-map",
        "quote_original": "상응 조치",
        "quote_language": "ko",
    }
    path = _write(tmp_path, [row], columns=list(row))

    _import(path)

    position = Position.objects.get(event=talks_event)
    assert (
        position.attribution,
        position.condition,
        position.condition_proposal.slug,
        position.quote_original,
        position.quote_language,
    ) == ("other_side", row["condition"], "road-map", "상응 조치", "ko")


def test_it_refuses_an_unknown_event_or_attribution_on_its_line(korea_case, tmp_path):
    rows = [
        {
            "actor": "us",
            "proposal": "road-map",
            "stance": "1",
            "stated_on": "2019-03-28",
            "article": str(korea_case.herald.pk),
            "event": "no-such-summit",
            "attribution": "rumour",
        }
    ]
    path = _write(tmp_path, rows, columns=list(rows[0]))

    with pytest.raises(CommandError):
        _import(path)

    assert Position.objects.count() == 4


def test_it_records_who_created_each_position_and_article_in_history(
    korea_case, analyst, tmp_path
):
    path = _write(
        tmp_path,
        [
            _herald_row(korea_case, actor="south-korea"),
            {**NK_NEWS, "actor": "us", "proposal": "road-map", "stance": "-1"}
            | {"stated_on": "2019-03-29"},
        ],
    )

    _import(path, "--user", "analyst")

    created = Position.objects.filter(recorded_by=analyst)
    assert created.count() == 2
    assert sorted(
        (record.id, record.history_type, record.history_user)
        for record in Position.history.filter(id__in=created.values("id"))
    ) == sorted((position.pk, "+", analyst) for position in created)
    article = Article.objects.get(outlet="NK News")
    assert article.added_by == analyst
    [record] = Article.history.filter(id=article.pk)
    assert (record.history_type, record.history_user, record.url) == (
        "+",
        analyst,
        NK_NEWS["article_url"],
    )


def test_it_leaves_no_history_after_a_dry_run(korea_case, tmp_path):
    history = (Position.history.count(), Article.history.count())
    path = _write(
        tmp_path,
        [
            {**NK_NEWS, "actor": "us", "proposal": "road-map", "stance": "-1"}
            | {"stated_on": "2019-03-29"}
        ],
    )

    out, _ = _import(path, "--dry-run")

    assert "all 1 rows are valid" in out

    assert (Position.history.count(), Article.history.count()) == history


def _lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("line")]


def test_it_names_the_rule_each_bad_line_breaks(korea_case, tmp_path):
    path = _write(
        tmp_path,
        [
            _herald_row(korea_case, actor="mike-pompeo"),
            _herald_row(korea_case, actor="us", speaker="north-korea"),
            _herald_row(korea_case, speaker="north-korea"),
            _herald_row(korea_case, actor="us", stated_on="2019-03-28", stance="2"),
            _herald_row(korea_case, actor="south-korea"),
            _herald_row(korea_case, actor="south-korea", stance="-2"),
            _herald_row(korea_case, actor="us", speaker="mike-pompeo"),
            _herald_row(korea_case, speaker="Mike Pompeo"),
        ],
    )
    err = io.StringIO()

    with pytest.raises(CommandError, match="6 of 8 rows are invalid"):
        call_command("import_positions", str(path), stdout=io.StringIO(), stderr=err)

    assert _lines(err.getvalue()) == [
        "line 2: actor: Mike Pompeo is a person, and a person is never a side. "
        "Choose the state or organization they speak for, or leave the side empty "
        "to take the speaker's affiliation on that date.",
        "line 3: speaker: North Korea is not a person; the speaker is the person "
        "who said it.",
        "line 4: actor: North Korea had no affiliation on 2019-03-27, so the side "
        "cannot be taken from the speaker. Choose the side.",
        "line 5: non_field_errors: This article already has this position: same "
        "side, proposal and date, with no speaker.",
        # Lines 6 and 8 are each the same position as the line before.
        "line 7: non_field_errors: This article already has this position: same "
        "side, proposal and date, with no speaker.",
        "line 9: non_field_errors: This article already has this position: same "
        "side, proposal, speaker and date.",
    ]
    assert Position.objects.count() == 4


def test_it_makes_a_new_article_from_the_first_row_that_describes_it_well(
    korea_case, tmp_path
):
    untitled = {**NK_NEWS, "article_title": ""}
    path = _write(
        tmp_path,
        [
            {**untitled, "actor": "us", "proposal": "road-map", "stance": "1"}
            | {"stated_on": "2019-03-29"},
            {**NK_NEWS, "actor": "us", "proposal": "big-deal", "stance": "1"}
            | {"stated_on": "2019-03-29"},
            {**untitled, "actor": "us", "proposal": "phased-deal", "stance": "1"}
            | {"stated_on": "2019-03-29"},
        ],
    )
    err = io.StringIO()

    with pytest.raises(CommandError, match="1 of 3 rows are invalid"):
        call_command("import_positions", str(path), stdout=io.StringIO(), stderr=err)

    # The third row uses the article the second one describes.
    assert _lines(err.getvalue()) == [
        "line 2: article_title: This field cannot be blank."
    ]
    assert not Article.objects.filter(outlet="NK News").exists()


def test_it_reports_an_article_address_that_cannot_be_read(korea_case, tmp_path):
    path = _write(
        tmp_path,
        [
            {**NK_NEWS, "actor": "us", "proposal": "road-map", "stance": "1"}
            | {"stated_on": "2019-03-29", "article_url": "https://[nknews.org/x"},
        ],
    )
    err = io.StringIO()

    with pytest.raises(CommandError, match="1 of 1 rows are invalid"):
        call_command("import_positions", str(path), stdout=io.StringIO(), stderr=err)

    assert _lines(err.getvalue()) == ["line 2: article_url: Enter a valid URL."]
    assert Article.objects.count() == 1


# Queries of an import of up to 1,000 rows naming up to 1,000 articles:
# names, articles, the checks of the new articles and of the positions, and
# one INSERT each for articles, positions and their history, and the data
# version the transaction takes (its counter and its log).
IMPORT_QUERIES = 24


def _realistic_rows(korea_case, count: int) -> list[dict]:
    """Ten positions per article: every side on every proposal, named by slug,
    short name, name or title, and Pompeo's, his side from his affiliation.
    The first ten cite the stored Herald article, the others new articles."""
    rows = []
    for number in range(count // 10 + 1):
        article = {
            "article_url": f"https://news.example.org/{number}?utm_medium=x",
            "article_title": f"Report {number}",
            "article_outlet": "Example News",
            "article_published_on": "2019-03-20",
        }
        if number == 0:
            article = {"article_url": korea_case.herald.url}
        for actor in ("us", "DPRK", "South Korea"):
            for proposal in ("big-deal", "Phased deal", "road-map"):
                rows.append(
                    article
                    | {"actor": actor, "proposal": proposal, "stance": "1"}
                    | {"stated_on": "2019-03-20", "confidence": "high", "quote": "…"}
                )
        rows.append(
            article
            | {"speaker": "mike-pompeo", "proposal": "big-deal", "stance": "2"}
            | {"stated_on": "2019-03-20"}
        )
    return rows[:count]


@pytest.mark.parametrize("count", [30, 300])
def test_it_reads_the_database_a_fixed_number_of_times(
    korea_case, analyst, tmp_path, count, django_assert_max_num_queries
):
    path = _write(tmp_path, _realistic_rows(korea_case, count))

    with django_assert_max_num_queries(IMPORT_QUERIES):
        out, _ = _import(path, "--user", "analyst")

    assert f"Imported {count} positions." in out
    assert Position.objects.count() == 4 + count
