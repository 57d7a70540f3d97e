"""The data version: one counter advanced by every transaction that writes.

A writing transaction takes the next version when it records its first
history row (``take_data_version``): the counter row is UPDATEd inside that
transaction, so it stays locked until the transaction ends, and versions
follow commit order. Each version is also logged with the time it was taken,
so that an instant (``known_at``) resolves to the last version taken at or
before it. Every history row is stamped with its transaction's version: the
record as of version V is, per object, its latest history row stamped V or
less, unless that row is a deletion.

Lock order: a transaction that locks rows (``select_for_update``) before
its first history row could deadlock with one that took the version first
and then waits for those rows. Services that lock rows first therefore call
``take_data_version()`` before they do, taking the counter first as well.

Reads name the version they answered from (``Snapshot``). While a request
reads a past version, ``reading_version()`` says which, so that the SQL of
the analyses reads history instead of the live tables (as
``timezone.override`` makes the current time zone known to code far down).

The counter and log models are an app's, named by the settings
``DATA_VERSION_MODEL`` and ``DATA_VERSION_COUNTER_MODEL``: this module
imports no app.
"""

import contextlib
import datetime
from contextvars import ContextVar
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.dispatch import Signal
from django.utils import timezone
from simple_history.manager import HistoricalQuerySet
from simple_history.models import HistoricalRecords

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Snapshot:
    """The data version a response answers from, and when it was taken.

    ``known_at`` is the instant asked for, ``release`` the release's slug:
    either makes this a reading of the past (``is_past``)."""

    version: int
    taken_at: datetime.datetime
    known_at: datetime.datetime | None = None
    release: str | None = None

    @property
    def is_past(self) -> bool:
        return self.known_at is not None or self.release is not None


_reading: ContextVar[Snapshot | None] = ContextVar("reading", default=None)


def reading_snapshot() -> Snapshot | None:
    return _reading.get()


def reading_version() -> int | None:
    """The past version this request reads, or None for the live tables."""
    snapshot = _reading.get()
    return snapshot.version if snapshot is not None and snapshot.is_past else None


def start_reading(snapshot: Snapshot | None):
    """As ``reading``, for a caller that ends it elsewhere (``stop_reading``)."""
    return _reading.set(snapshot)


def stop_reading(token) -> None:
    _reading.reset(token)


@contextlib.contextmanager
def reading(snapshot: Snapshot | None):
    """Reads inside answer as of ``snapshot`` (the live tables when it is
    None or the current version)."""
    token = _reading.set(snapshot)
    try:
        yield snapshot
    finally:
        _reading.reset(token)


def _tables() -> tuple[str, str]:
    log = apps.get_model(settings.DATA_VERSION_MODEL)._meta.db_table
    counter = apps.get_model(settings.DATA_VERSION_COUNTER_MODEL)._meta.db_table
    return log, counter


# Sent with ``snapshot`` once a transaction that took a version has
# committed (the edge cache publishes it: config/lib/edge_cache.py).
version_committed = Signal()


class _VersionTaken:
    """The on-commit marker of the version a transaction took. Django drops
    it on rollback (also of the savepoint that took it), together with the
    counter's UPDATE, so the next write takes the version again. Once
    committed, ``version_committed`` is sent, before the writer is
    answered."""

    def __init__(self, version: int, taken_at: datetime.datetime):
        self.version = version
        self.taken_at = taken_at

    def __call__(self):
        version_committed.send(
            sender=Snapshot, snapshot=Snapshot(self.version, self.taken_at)
        )


def take_data_version(using: str = DEFAULT_DB_ALIAS) -> int:
    """The version of the current transaction, taken (and logged) by its
    first call: later calls in the same transaction return the same one."""
    connection = connections[using]
    if not connection.in_atomic_block:
        with transaction.atomic(using=using):
            return take_data_version(using)
    for _, callback, _ in connection.run_on_commit:
        if isinstance(callback, _VersionTaken):
            return callback.version
    log, counter = _tables()
    now = timezone.now()
    with connection.cursor() as cursor:
        # Table names from the models; values are parameters.
        cursor.execute(
            f"UPDATE {counter} SET version = version + 1, taken_at = %s "  # noqa: S608
            "WHERE id = 1 RETURNING version",
            [now],
        )
        row = cursor.fetchone()
        if row is None:
            # A flushed database (tests): start again after the logged ones.
            cursor.execute(f"SELECT COALESCE(MAX(version), 0) + 1 FROM {log}")  # noqa: S608
            row = cursor.fetchone()
            cursor.execute(
                f"INSERT INTO {counter} (id, version, taken_at) VALUES (1, %s, %s)",  # noqa: S608
                [row[0], now],
            )
        version = row[0]
        cursor.execute(
            f"INSERT INTO {log} (version, taken_at) VALUES (%s, %s)",  # noqa: S608
            [version, now],
        )
    transaction.on_commit(_VersionTaken(version, now), using=using)
    return version


def counter_table() -> str:
    """The table of the one row holding the latest version and when it was
    taken (columns ``version``, ``taken_at``; ``id`` 1)."""
    return _tables()[1]


def _read_alias(setting: str, using: str | None) -> str:
    # Where the router reads the counter and log from: with read replicas, the
    # one database the request reads its data from, so the version names it.
    return using or router.db_for_read(apps.get_model(getattr(settings, setting)))


def current_snapshot(using: str | None = None) -> Snapshot:
    """The latest committed version (0 before any write)."""
    _, counter = _tables()
    using = _read_alias("DATA_VERSION_COUNTER_MODEL", using)
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT version, taken_at FROM {counter} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        return Snapshot(version=0, taken_at=EPOCH)
    return Snapshot(version=row[0], taken_at=_aware(row[1]))


def in_utc(instant: datetime.datetime) -> datetime.datetime:
    """``instant`` in UTC, as PostgreSQL refuses offsets past ±15:59. One that
    UTC cannot hold (0001-01-01 at +17:53 falls before year 1) stands for the
    first or the last instant there is: before or after every version."""
    try:
        return instant.astimezone(datetime.UTC)
    except OverflowError:
        edge = datetime.datetime.min if instant.year == 1 else datetime.datetime.max
        return edge.replace(tzinfo=datetime.UTC)


def snapshot_at(
    instant: datetime.datetime, *, release: str | None = None, using=None
) -> Snapshot:
    """The last version taken at or before ``instant`` (0 if none was)."""
    log, _ = _tables()
    using = _read_alias("DATA_VERSION_MODEL", using)
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT version, taken_at FROM {log} WHERE taken_at <= %s "  # noqa: S608
            "ORDER BY taken_at DESC, version DESC LIMIT 1",
            [instant],
        )
        row = cursor.fetchone()
    if row is None:
        return Snapshot(version=0, taken_at=EPOCH, known_at=instant, release=release)
    return Snapshot(
        version=row[0], taken_at=_aware(row[1]), known_at=instant, release=release
    )


def version_taken_at(version: int, using=None) -> datetime.datetime:
    """When ``version`` was taken (the epoch for 0)."""
    log, _ = _tables()
    using = _read_alias("DATA_VERSION_MODEL", using)
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT taken_at FROM {log} WHERE version = %s", [version])  # noqa: S608
        row = cursor.fetchone()
    return EPOCH if row is None else _aware(row[0])


def _aware(value) -> datetime.datetime:
    if isinstance(value, str):  # SQLite through a plain cursor
        value = datetime.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=datetime.UTC)


class VersionStampingManager(models.Manager):
    """History rows written in bulk (``bulk_create_with_history`` and the
    like) are stamped with their transaction's version too."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        missing = [obj for obj in objs if obj.data_version is None]
        if missing:
            version = take_data_version(self.db)
            for obj in missing:
                obj.data_version = version
        return super().bulk_create(objs, *args, **kwargs)


class VersionedHistoricalModel(models.Model):
    """The base of every history model: each row names the data version of
    the transaction that wrote it."""

    data_version = models.BigIntegerField(
        null=True,
        db_index=True,
        editable=False,
        help_text="The data version of the transaction that recorded this row.",
    )

    objects = VersionStampingManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.data_version is None:
            self.data_version = take_data_version(
                kwargs.get("using") or self._state.db or DEFAULT_DB_ALIAS
            )
        super().save(*args, **kwargs)


class VersionedHistoricalQuerySet(HistoricalQuerySet):
    def at_version(self, version: int):
        """The objects as they stood at ``version``: per object, its latest
        history row stamped ``version`` or less, unless it is a deletion."""
        pk = self.model.instance_type._meta.pk.attname
        later = self.model._default_manager.filter(
            **{pk: OuterRef(pk)}, data_version__lte=version
        ).filter(
            Q(data_version__gt=OuterRef("data_version"))
            | Q(
                data_version=OuterRef("data_version"),
                history_id__gt=OuterRef("history_id"),
            )
        )
        return (
            self.filter(data_version__lte=version)
            .exclude(Exists(later))
            .exclude(history_type="-")
        )


def versioned_history(**options):
    """``HistoricalRecords`` options that stamp rows with the data version."""
    return {
        "bases": [VersionedHistoricalModel],
        "historical_queryset": VersionedHistoricalQuerySet,
        **options,
    }


def recorded_at(model, version: int, ids) -> dict:
    """{id: the object as recorded at ``version``} of those of ``ids`` that
    stood then (a deleted one included, if it was deleted later)."""
    ids = {pk for pk in ids if pk is not None}
    if not ids:
        return {}
    return {
        row.id: row.instance
        for row in model.history.at_version(version).filter(id__in=ids)
    }


def m2m_at(model, field_name: str, version: int):
    """The links of the many-to-many ``field_name`` as recorded at
    ``version``: rows with ``owner`` (the id of the ``model`` object) and
    ``related`` (the other end's). simple-history copies the links with each
    history row of the owner, so those of its row standing at ``version``."""
    field = model._meta.get_field(field_name)
    through = HistoricalRecords.m2m_models[field]
    standing = model.history.at_version(version).values("history_id")
    return through.objects.filter(history_id__in=standing).annotate(
        owner=F(f"{field.m2m_field_name()}_id"),
        related=F(f"{field.m2m_reverse_field_name()}_id"),
    )


def set_prefetched(instance, name: str, objects: list) -> None:
    """``instance.<name>.all()`` gives ``objects`` without a query, as
    ``prefetch_related`` leaves it: a serializer reads a past version's
    related rows through the same relation it reads the live ones."""
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset
