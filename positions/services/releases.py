"""Releases: a named data version and the files of its state, written once.

Each table is dumped as the database held it at the release's data version
(from history, as ``known_at`` reads do), as gzipped CSV and as Parquet,
beside a data dictionary and ``SHA256SUMS``. The files are created
exclusively and made read-only: a release's files never change. Gzip's
header carries no time, so the same state gives the same bytes.
"""

import csv
import datetime
import gzip
import hashlib
import io
import json
import shutil
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from actors.models import Actor
from actors.slugs import unique_slug
from config.lib.versions import snapshot_at, take_data_version
from positions.models import Article, Event, Negotiation, Position, Proposal, Release

DUMPED = {
    "positions": Position,
    "articles": Article,
    "actors": Actor,
    "proposals": Proposal,
    "negotiations": Negotiation,
    "events": Event,
}
BATCH = 5000
DICTIONARY = "DATA-DICTIONARY.md"
SUMS = "SHA256SUMS"


def releases_root() -> Path:
    return Path(settings.RELEASES_ROOT)


def release_directory(release: Release) -> Path:
    return releases_root() / release.slug


def release_create(
    *, name: str, notes: str = "", by=None, known_at: datetime.datetime | None = None
) -> Release:
    """Name the data as it stood at ``known_at`` (default: now) and write its
    files. Raises ``ValidationError`` for a name in use or a future instant."""
    known_at = known_at or timezone.now()
    if known_at > timezone.now():
        raise ValidationError({"known_at": "A release cannot name the future."})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Name the release."})
    if Release.objects.filter(name=name).exists():
        raise ValidationError({"name": f"There is already a release “{name}”."})
    snapshot = snapshot_at(known_at)
    slug = unique_slug(name, Release)
    if slug.isdigit():  # a number is always an id
        slug = unique_slug(f"release-{slug}", Release)
    release = Release(
        name=name,
        slug=slug,
        notes=notes,
        known_at=known_at,
        data_version=snapshot.version,
        rules_version=settings.RULES_VERSION,
        created_by=by if by is not None and by.is_authenticated else None,
    )
    release.full_clean()
    # Written aside and moved into place once its row is saved: a process
    # killed half-way leaves no directory under a release's name.
    releases_root().mkdir(parents=True, exist_ok=True)
    writing = Path(tempfile.mkdtemp(prefix=".writing-", dir=releases_root()))
    try:
        with transaction.atomic():
            # A write like any other: lists' ETags change with it.
            take_data_version()
            release.files = _write_files(release, writing)
            # The row holds the slug: a second release of the same name waits
            # here and then fails on the unique slug, before touching files.
            release.save()
            _set_aside_unclaimed(release_directory(release))
            writing.rename(release_directory(release))
    except BaseException:
        shutil.rmtree(writing, ignore_errors=True)
        raise
    return release


def _set_aside_unclaimed(directory: Path) -> None:
    """Files under a slug no release row claims (the database was restored
    from an older backup) are kept, renamed, never overwritten or deleted."""
    if directory.exists():
        stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
        directory.rename(directory.with_name(f"{directory.name}.unclaimed-{stamp}"))


def _columns(model) -> list[models.Field]:
    return list(model.history.model.tracked_fields)


def _rows(model, version: int):
    fields = _columns(model)
    return (
        model.history.at_version(version)
        .order_by(model._meta.pk.attname)
        .values_list(*[field.attname for field in fields])
        .iterator(chunk_size=BATCH)
    )


def _arrow_type(field: models.Field):
    if isinstance(field, models.BooleanField):
        return pa.bool_()
    if isinstance(field, models.FloatField):
        return pa.float64()
    if isinstance(field, models.DateTimeField):
        return pa.timestamp("us", tz="UTC")
    if isinstance(field, models.DateField):
        return pa.date32()
    if isinstance(field, models.JSONField):
        return pa.string()
    if isinstance(field, models.IntegerField | models.ForeignKey | models.AutoField):
        return pa.int64()
    return pa.string()


def _plain(value, field):
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        return json.dumps(value, ensure_ascii=False)
    return value


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _write_files(release: Release, directory: Path) -> list[dict]:
    names = []
    for table, model in DUMPED.items():
        fields = _columns(model)
        header = [field.attname for field in fields]
        schema = pa.schema([(f.attname, _arrow_type(f)) for f in fields])
        csv_name, parquet_name = f"{table}.csv.gz", f"{table}.parquet"
        with (
            open(directory / csv_name, "xb") as raw,
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as zipped,
            io.TextIOWrapper(zipped, encoding="utf-8", newline="") as text,
            pq.ParquetWriter(directory / parquet_name, schema) as parquet,
        ):
            writer = csv.writer(text)
            writer.writerow(header)
            batch = []
            for row in _rows(model, release.data_version):
                values = [
                    _plain(value, f) for value, f in zip(row, fields, strict=True)
                ]
                writer.writerow([_text(value) for value in values])
                batch.append(values)
                if len(batch) >= BATCH:
                    parquet.write_table(_table(batch, schema))
                    batch = []
            if batch or not names:
                parquet.write_table(_table(batch, schema))
        names += [csv_name, parquet_name]
    with (directory / DICTIONARY).open("x", encoding="utf-8") as dictionary:
        dictionary.write(_dictionary(release))
    names.append(DICTIONARY)
    files = []
    for name in sorted(names):
        data = (directory / name).read_bytes()
        files.append(
            {
                "name": name,
                "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    sums = "".join(f"{file['sha256']}  {file['name']}\n" for file in files)
    with (directory / SUMS).open("x", encoding="utf-8") as checksums:
        checksums.write(sums)
    files.append(
        {
            "name": SUMS,
            "bytes": len(sums.encode()),
            "sha256": hashlib.sha256(sums.encode()).hexdigest(),
        }
    )
    for path in directory.iterdir():
        path.chmod(0o444)
    return files


def _table(batch: list[list], schema: pa.Schema) -> pa.Table:
    columns = list(zip(*batch, strict=True)) if batch else [[] for _ in schema]
    return pa.Table.from_arrays(
        [
            pa.array(list(column), type=kind)
            for column, kind in zip(columns, schema.types, strict=True)
        ],
        schema=schema,
    )


def _dictionary(release: Release) -> str:
    lines = [
        f"# {release.name}: data dictionary",
        "",
        f"- Known at: {release.known_at.isoformat()}",
        f"- Data version: {release.data_version}",
        f"- Rules version: {release.rules_version}",
        "",
        "Each table is given twice: `<table>.csv.gz` (UTF-8 CSV, a header row, "
        "empty cells for nulls, dates and times in ISO 8601, lists as JSON) and "
        "`<table>.parquet` (typed columns). Rows are ordered by `id`. "
        "`SHA256SUMS` checks every file: `sha256sum -c SHA256SUMS`.",
    ]
    for table, model in DUMPED.items():
        lines += ["", f"## {table}", "", "| column | type | meaning |", "|---|---|---|"]
        for field in _columns(model):
            meaning = str(field.help_text or field.verbose_name).replace("|", "/")
            if field.is_relation:
                meaning = (
                    f"id of the {field.related_model._meta.verbose_name}. {meaning}"
                )
            kind = str(_arrow_type(field))
            lines.append(f"| `{field.attname}` | {kind} | {meaning} |")
    return "\n".join(lines) + "\n"
