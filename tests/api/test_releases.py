"""Releases: a named data version with files of its state, written once;
``?release=`` answers as of it on every read, immutably; "Cite this".

These tests commit (``transactional_db``): each write is a data version.
"""

import csv
import datetime
import gzip
import io
import shutil
import stat
import subprocess

import pyarrow.parquet as pq
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import transaction
from rest_framework.test import APIClient

from positions.models import Position, Release
from positions.services import position_delete, position_update
from tests.factories import (
    ArticleFactory,
    NegotiationFactory,
    PositionFactory,
    ProposalFactory,
    StateFactory,
    UserFactory,
)

D = datetime.date.fromisoformat

pytestmark = pytest.mark.django_db(transaction=True)

TABLES = ["positions", "articles", "actors", "proposals", "negotiations", "events"]


@pytest.fixture
def releases_root(releases_in_tmp):
    return releases_in_tmp


@pytest.fixture
def world():
    us = StateFactory(name="United States", slug="us")
    dprk = StateFactory(name="North Korea", slug="north-korea")
    negotiation = NegotiationFactory(slug="korea")
    negotiation.participants.set([us, dprk])
    proposal = ProposalFactory(negotiation=negotiation, slug="big-deal")
    article = ArticleFactory(published_on=D("2019-03-05"))
    return {
        "us": us,
        "proposal": proposal,
        "us_big": PositionFactory(
            actor=us, proposal=proposal, article=article, stance=2, quote="=SUM(A1)"
        ),
        "dprk_big": PositionFactory(
            actor=dprk, proposal=proposal, article=article, stance=-2
        ),
    }


def _edit_after_release(world):
    with transaction.atomic():
        position = Position.objects.get(pk=world["us_big"].pk)
        position_update(
            position_id=position.pk,
            expected_version=position.version,
            changes={"stance": -1},
        )
    with transaction.atomic():
        position_delete(position_id=world["dprk_big"].pk)
    PositionFactory(
        actor=world["us"],
        proposal=world["proposal"],
        article=ArticleFactory(published_on=D("2019-03-01")),
        stance=0,
    )


def _make_release(name="2026-12", notes="First release."):
    out = io.StringIO()
    call_command("make_release", name, "--notes", notes, stdout=out)
    return Release.objects.get(name=name), out.getvalue()


def test_make_release_names_the_data_version_and_writes_its_files(world):
    release, out = _make_release()

    assert release.slug == "2026-12"
    assert release.notes == "First release."
    assert release.data_version > 0
    assert f"data version {release.data_version}" in out
    names = {file["name"] for file in release.files}
    assert names == {
        *(f"{table}.csv.gz" for table in TABLES),
        *(f"{table}.parquet" for table in TABLES),
        "DATA-DICTIONARY.md",
        "SHA256SUMS",
    }


def test_its_downloaded_files_verify_with_sha256sum(world, tmp_path):
    release, _ = _make_release()
    client = APIClient()
    files = client.get(f"/api/v1/releases/{release.slug}/").json()["files"]
    folder = tmp_path / "download"
    folder.mkdir()

    for file in files:
        response = client.get(file["url"])
        assert response.status_code == 200
        assert "immutable" in response["Cache-Control"]
        (folder / file["name"]).write_bytes(b"".join(response.streaming_content))

    checked = subprocess.run(
        [shutil.which("sha256sum"), "-c", "SHA256SUMS"],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count(": OK") == len(files) - 1


def test_its_dumps_hold_the_state_of_its_version_not_later_edits(world, releases_root):
    release, _ = _make_release()
    _edit_after_release(world)
    folder = releases_root / release.slug

    with gzip.open(folder / "positions.csv.gz", "rt", encoding="utf-8") as text:
        rows = list(csv.DictReader(text))
    parquet = pq.read_table(folder / "positions.parquet").to_pylist()

    assert sorted((int(row["id"]), int(row["stance"])) for row in rows) == [
        (world["us_big"].pk, 2),
        (world["dprk_big"].pk, -2),
    ]
    assert [row["quote"] for row in rows if row["quote"]] == ["=SUM(A1)"]
    assert sorted((row["id"], row["stance"]) for row in parquet) == sorted(
        (int(row["id"]), int(row["stance"])) for row in rows
    )
    assert parquet[0]["stated_on"] == D("2019-03-05")
    dictionary = (folder / "DATA-DICTIONARY.md").read_text()
    assert "## positions" in dictionary and "`stance`" in dictionary


def test_its_files_are_written_once(world, releases_root):
    release, _ = _make_release()
    path = releases_root / release.slug / "positions.csv.gz"
    written = path.read_bytes()
    StateFactory()

    with pytest.raises(CommandError, match="already a release"):
        _make_release()  # the same name again

    assert Release.objects.count() == 1
    assert path.read_bytes() == written
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


def test_files_no_release_claims_are_set_aside_not_overwritten(world, releases_root):
    # As after restoring a database older than the release files beside it.
    orphan = releases_root / "2026-12"
    orphan.mkdir(parents=True)
    (orphan / "notes.txt").write_text("kept")

    release, _ = _make_release()

    assert (releases_root / release.slug / "positions.csv.gz").exists()
    (kept,) = releases_root.glob("2026-12.unclaimed-*")
    assert (kept / "notes.txt").read_text() == "kept"
    assert not list(releases_root.glob(".writing-*"))


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/positions/",
        "/api/v1/stances/?as_of=2019-03-10",
        "/api/v1/changes/?kind=initial&kind=shift&kind=reversal",
        "/api/v1/gap/?a=us&b=north-korea",
        "/api/v1/positions/?format=csv",
    ],
)
def test_release_answers_as_of_its_version_after_edits_and_immutably(world, path):
    client = APIClient()
    before = _body(client.get(path))
    release, _ = _make_release()
    _edit_after_release(world)
    joiner = "&" if "?" in path else "?"

    pinned = client.get(f"{path}{joiner}release={release.slug}")
    now = client.get(path)

    assert pinned.status_code == 200
    assert _body(pinned) == before
    assert _body(now) != before
    assert pinned["X-Release"] == release.slug
    assert pinned["X-Data-Version"] == str(release.data_version)
    assert "immutable" in pinned["Cache-Control"]
    assert "immutable" not in now.get("Cache-Control", "")


def test_it_refuses_an_unknown_release_or_both_release_and_known_at(world):
    unknown = APIClient().get("/api/v1/stances/?release=no-such")
    both = APIClient().get("/api/v1/stances/?release=x&known_at=2020-01-01T00:00:00Z")

    assert unknown.status_code == 400
    assert "No release" in unknown.json()["release"][0]
    assert both.status_code == 400
    assert "not both" in both.json()["release"][0]


def test_the_api_lists_releases_with_files_and_citations(world):
    release, _ = _make_release()

    listed = APIClient().get("/api/v1/releases/")
    one = APIClient().get(f"/api/v1/releases/{release.slug}/").json()

    assert listed.status_code == 200
    assert [row["slug"] for row in listed.json()["results"]] == [release.slug]
    assert "ETag" in listed
    assert one["data_version"] == release.data_version
    assert one["rules_version"] == release.rules_version
    assert {file["name"] for file in one["files"]} >= {"SHA256SUMS"}
    assert all(len(file["sha256"]) == 64 for file in one["files"])
    assert "2026-12" in one["cite"]["text"]
    assert one["cite"]["apa"].endswith(f"/releases/{release.slug}/")
    assert one["cite"]["bibtex"].startswith("@misc{stance_tracker_2026_12,")


def test_a_curator_names_a_release_through_the_api_and_a_reader_cannot(
    world, curator_api, reader_api
):
    refused = reader_api.post("/api/v1/releases/", {"name": "Mine"}, format="json")
    created = curator_api.post(
        "/api/v1/releases/", {"name": "2027-01", "notes": "Q1"}, format="json"
    )

    assert refused.status_code == 403
    assert created.status_code == 201, created.content
    assert created.json()["slug"] == "2027-01"
    assert (
        Release.objects.get().created_by.username
        == curator_api.handler._force_user.username
    )


def test_the_release_pages_show_its_files_and_how_to_cite_it(world, client):
    release, _ = _make_release()

    listing = client.get("/releases/")
    page = client.get(f"/releases/{release.slug}/")

    assert release.name in listing.content.decode()
    text = page.content.decode()
    assert "sha256sum -c SHA256SUMS" in text
    assert "@misc{stance_tracker_2026_12," in text
    assert "[Data set]" in text
    assert client.get("/releases/no-such/").status_code == 404


def test_a_release_needs_a_name_not_made_of_digits_only(world):
    release, _ = _make_release(name="2026")

    assert release.slug == "release-2026"


def test_the_admin_names_a_release(world, client):
    # Content types were flushed with the other tables: not their cache.
    ContentType.objects.clear_cache()
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.post(
        "/admin/positions/release/add/", {"name": "Admin release", "notes": ""}
    )

    assert response.status_code == 302
    release = Release.objects.get()
    assert release.created_by == admin
    assert release.files
