"""How to cite a release or a position: plain text, APA and BibTeX."""

import datetime
import re

from django.conf import settings

TITLE = "Stance tracker"


def _bibtex_escape(text: str) -> str:
    return re.sub(r"([{}\\&%$#_])", r"\\\1", text)


def release_citation(release, url: str) -> dict[str, str]:
    """``{text, apa, bibtex}`` naming the release, its data and rules versions."""
    author = settings.CITATION_AUTHOR
    year = release.known_at.year
    known_at = release.known_at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = (
        f"{author} ({year}). {TITLE}, release “{release.name}” (data as known at "
        f"{known_at}; data version {release.data_version}; rules "
        f"{release.rules_version}). {url}"
    )
    apa = (
        f"{author}. ({year}). {TITLE} (Release {release.name}, data version "
        f"{release.data_version}) [Data set]. {url}"
    )
    key = re.sub(r"[^a-z0-9]+", "_", f"stance_tracker_{release.slug}".lower())
    bibtex = (
        f"@misc{{{key},\n"
        f"  author = {{{_bibtex_escape(author)}}},\n"
        f"  title = {{{_bibtex_escape(TITLE)}}},\n"
        f"  year = {{{year}}},\n"
        f"  version = {{{_bibtex_escape(release.name)}}},\n"
        f"  note = {{Data version {release.data_version}, as known at {known_at}; "
        f"rules {_bibtex_escape(release.rules_version)}}},\n"
        f"  url = {{{url}}}\n"
        f"}}"
    )
    return {"text": text, "apa": apa, "bibtex": bibtex}


def position_citation(position, url: str, *, release=None, retrieved=None) -> dict:
    """``{text, apa, bibtex}`` of one position: its stance and its source, and
    the release it is cited from or else the time it was retrieved."""
    author = settings.CITATION_AUTHOR
    article = position.article
    speaker = f", as stated by {position.speaker}" if position.speaker_id else ""
    authors = f"{article.authors}, " if article.authors else ""
    stance = (
        f"{position.actor}: {position.stance_label} on “{position.proposal}” "
        f"({position.stated_on}{speaker})"
    )
    source = (
        f"{authors}“{article.title}”, {article.outlet}, {article.published_on}, "
        f"{article.url}"
    )
    if release is not None:
        when = f"Release “{release.name}” (data version {release.data_version})"
        year = release.known_at.year
    else:
        retrieved = retrieved or datetime.datetime.now(datetime.UTC)
        when = f"Retrieved {retrieved.astimezone(datetime.UTC):%Y-%m-%d %H:%M} UTC"
        year = retrieved.year
    record = f"{TITLE}, position {position.pk} (version {position.version})"
    text = f"{stance}. Source: {source}. {record}, {url} {when}."
    apa = (
        f"{author}. ({year}). Position {position.pk}: {stance} [Data set record]. "
        f"{TITLE}. {when}, from {url}"
    )
    bibtex = (
        f"@misc{{stance_tracker_position_{position.pk},\n"
        f"  author = {{{_bibtex_escape(author)}}},\n"
        f"  title = {{{_bibtex_escape(f'Position {position.pk}: {stance}')}}},\n"
        f"  year = {{{year}}},\n"
        f"  note = {{{_bibtex_escape(f'{record}. {when}. Source: {source}')}}},\n"
        f"  url = {{{url}}}\n"
        f"}}"
    )
    return {"text": text, "apa": apa, "bibtex": bibtex}
