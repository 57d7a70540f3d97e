"""The seed world restored from its snapshot (tests/snapshot.py) is the one
build_korea_case makes through the factories and services: the same rows in
every table, history included, and the same objects, dated as if just built."""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.utils import timezone

from tests.conftest import build_korea_case
from tests.snapshot import Snapshot, _tables, model_instances


def _dump() -> dict:
    """{model: [{attname: value}, ...] in id order} of every non-empty table."""
    dump = {}
    for model in _tables():
        names = [f.attname for f in model._meta.concrete_fields]
        rows = [
            dict(zip(names, row, strict=True))
            for row in model._base_manager.order_by("pk").values_list(*names)
        ]
        if rows:
            dump[model] = rows
    return dump


def _without_ids_and_times(dump: dict) -> dict:
    """The dump with each id replaced by its rank in its table, so that two
    builds compare equal whatever ids the database handed out, and without
    date-times.

    Many-to-many rows (and their history) are written in the order of a set
    of ids, so their own ids are left out and their rows compared unordered.
    """

    def copied_from(model):
        return getattr(model, "instance_type", None)  # a history table's model

    def unordered(model):
        return bool(model._meta.auto_created) or bool(
            copied_from(model) and copied_from(model)._meta.auto_created
        )

    rank = {
        model: {row[model._meta.pk.attname]: n for n, row in enumerate(rows)}
        for model, rows in dump.items()
        if not unordered(model)
    }

    def target(model, field):
        if field.is_relation:
            return field.related_model
        if field.attname == "id" and copied_from(model):
            return copied_from(model)  # a history row's copy of the id
        return None

    def kept(model, field):
        if isinstance(field, models.DateTimeField):
            return False
        if unordered(model):
            return not field.primary_key and target(model, field) not in (
                model,
                copied_from(model),
            )
        return True

    def value(model, field, row):
        if field.primary_key:
            return rank[model][row[field.attname]]
        related = target(model, field)
        if related is None or row[field.attname] is None:
            return row[field.attname]
        return rank.get(related, {}).get(row[field.attname], row[field.attname])

    normalized = {}
    for model, rows in dump.items():
        fields = [f for f in model._meta.concrete_fields if kept(model, f)]
        values = [{f.attname: value(model, f, row) for f in fields} for row in rows]
        if unordered(model):
            values.sort(key=repr)
        normalized[model._meta.label] = values
    return normalized


def _shape(case) -> dict:
    """{name: (class, {cached relation: name of the object cached, or None})}"""
    names = {id(value): name for name, value in vars(case).items()}
    return {
        name: (
            type(value),
            {
                field: names.get(id(cached))
                for field, cached in value._state.fields_cache.items()
            },
        )
        if isinstance(value, models.Model)
        else value
        for name, value in vars(case).items()
    }


def _values(instance) -> dict:
    return {
        f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields
    }


def test_it_restores_the_rows_and_objects_of_a_fresh_build(db, korea_case_snapshot):
    with transaction.atomic():
        built = build_korea_case()
        built_rows = _dump()
        transaction.set_rollback(True)

    with transaction.atomic():
        started = timezone.now()
        restored = korea_case_snapshot.restore()
        finished = timezone.now()
        restored_rows = _dump()
        transaction.set_rollback(True)

    assert _without_ids_and_times(restored_rows) == _without_ids_and_times(built_rows)
    assert _shape(restored) == _shape(built)
    for instance in model_instances(restored):
        [row] = [
            row
            for row in restored_rows[type(instance)]
            if row[instance._meta.pk.attname] == instance.pk
        ]
        assert _values(instance) == row, instance
    times = [
        value
        for rows in restored_rows.values()
        for row in rows
        for value in row.values()
        if isinstance(value, datetime.datetime)
    ]
    assert times
    assert all(started - datetime.timedelta(seconds=5) <= t <= finished for t in times)


def test_it_gives_each_test_objects_of_its_own(db, korea_case_snapshot):
    with transaction.atomic():
        first = korea_case_snapshot.restore()
        transaction.set_rollback(True)
    with transaction.atomic():
        second = korea_case_snapshot.restore()
        transaction.set_rollback(True)

    assert first.us is not second.us
    assert first.us_big_deal.actor is first.us
    assert second.us_big_deal.actor is second.us


def test_it_refuses_a_build_that_changes_rows_it_did_not_add(db):
    # A restore only adds rows; a build that changed others could not be copied.
    def build():
        Group.objects.filter(name="analysts").update(name="renamed")
        return SimpleNamespace()

    with pytest.raises(AssertionError):
        Snapshot(build)

    assert Group.objects.filter(name="analysts").exists()
