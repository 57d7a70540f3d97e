"""A fixture's world built once per test process, copied into each test.

Building the seed world (``korea_case``) through the factories and services
costs about 40 ms (70 ms under coverage), and a thousand tests ask for it.
``Snapshot`` builds it once, inside a transaction it rolls back, and keeps
every row the build added (it must change no other: that is checked) and the
objects it returned. ``restore`` then writes the same rows again with one
INSERT per table, with every date-time moved on by the time since the build,
as if it had just been built, and returns a deep copy of the objects: the
same field values and the same related objects cached, sharing what the
originals shared.

tests/test_snapshot.py checks a restored world against a fresh build.
"""

import copy
import datetime
from collections.abc import Callable
from types import SimpleNamespace

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone


def _tables() -> list[type[models.Model]]:
    """Every model with a table of its own, history and many-to-many included."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _rewritten() -> set[type[models.Model]]:
    """Tables a build may change, not only add to: the data version's
    one-row counter, which every write advances. Restored whole."""
    return {apps.get_model(settings.DATA_VERSION_COUNTER_MODEL)}


def _datetime_fields(model) -> list[models.Field]:
    return [
        f for f in model._meta.concrete_fields if isinstance(f, models.DateTimeField)
    ]


def _rows(model) -> tuple[list[str], dict]:
    """The names of ``model``'s columns, and {pk: row} in pk order."""
    names = [f.attname for f in model._meta.concrete_fields]
    pk = names.index(model._meta.pk.attname)
    rows = model._base_manager.order_by("pk").values_list(*names)
    return names, {row[pk]: row for row in rows}


def model_instances(root: SimpleNamespace) -> list[models.Model]:
    """The model instances in ``root``'s attributes (and in those of the
    namespaces among them) and, recursively, the related objects cached on
    them, each once."""
    found: dict[int, models.Model] = {}
    pending = list(vars(root).values())
    while pending:
        value = pending.pop()
        if isinstance(value, SimpleNamespace):
            pending.extend(vars(value).values())
        if not isinstance(value, models.Model) or id(value) in found:
            continue
        found[id(value)] = value
        pending.extend(value._state.fields_cache.values())
    return list(found.values())


class Snapshot:
    def __init__(self, build: Callable[[], SimpleNamespace]):
        """Run ``build``, which may add rows but not change or delete any."""
        with transaction.atomic():
            existing = {model: _rows(model) for model in _tables()}
            built = build()
            self.taken_at = timezone.now()
            self.rows: dict[type[models.Model], tuple[list[str], list[tuple]]] = {}
            rewritten = _rewritten()
            for model, (_, before) in existing.items():
                names, after = _rows(model)
                if model in rewritten:
                    self.rows[model] = (names, list(after.values()))
                    continue
                assert {pk: after.get(pk) for pk in before} == before, model
                added = [row for pk, row in after.items() if pk not in before]
                if added:
                    self.rows[model] = (names, added)
            self.objects = copy.deepcopy(built)
            transaction.set_rollback(True)
        for instance in model_instances(self.objects):
            # Nothing but forward relations is cached, so the copy needs no
            # query that the original did not.
            assert not hasattr(instance, "_prefetched_objects_cache"), instance

    def restore(self) -> SimpleNamespace:
        """Write the rows again and return fresh copies of the objects."""
        shift = timezone.now() - self.taken_at
        with transaction.atomic():
            for model, (names, rows) in self.rows.items():
                if model in _rewritten():
                    model._base_manager.all().delete()
                moved = {names.index(f.attname) for f in _datetime_fields(model)}
                instances = [
                    model.from_db(
                        connection.alias,
                        names,
                        [
                            _moved(value, shift) if index in moved else value
                            for index, value in enumerate(row)
                        ],
                    )
                    for row in rows
                ]
                # raw: the values as they are, no auto_now, no signals (the
                # history rows are among the rows).
                model._base_manager._insert(
                    instances, fields=model._meta.concrete_fields, raw=True
                )
            # Rows written with their ids leave PostgreSQL's sequences behind.
            reset = connection.ops.sequence_reset_sql(no_style(), list(self.rows))
            if reset:
                with connection.cursor() as cursor:
                    for sql in reset:
                        cursor.execute(sql)
        objects = copy.deepcopy(self.objects)
        for instance in model_instances(objects):
            for field in _datetime_fields(type(instance)):
                value = getattr(instance, field.attname)
                setattr(instance, field.attname, _moved(value, shift))
        return objects


def _moved(value, shift: datetime.timedelta):
    return None if value is None else value + shift
