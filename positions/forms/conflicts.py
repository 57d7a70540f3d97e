"""A form that met a newer save (the article with its positions, or one
position): the editor's entries, rebased on what is stored now, and what the
other person changed.

A field the other person changed and the editor did not takes their value;
a field both changed keeps the editor's; the form then carries the stored
versions, so saving it again is a decision taken with the changes in view.
"""

import dataclasses
import datetime

from django.db import models

from positions.forms.articles import row_anchor


@dataclasses.dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    now: str
    # What the editor typed, kept over the other person's value; None when
    # the editor left the field as loaded and the form now holds theirs.
    yours: str | None


@dataclasses.dataclass(frozen=True)
class ChangedPart:
    title: str
    anchor: str
    changes: list[FieldChange]


def _shown(instance: models.Model, name: str) -> str:
    field = instance._meta.get_field(name)
    value = getattr(instance, field.attname)
    if value in (None, ""):
        return "—"
    if field.is_relation:
        return str(getattr(instance, name))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def _as_data(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _typed(form, name: str) -> str:
    value = form[name].data
    choices = getattr(form.fields[name], "choices", None)
    if choices:
        value = dict((str(key), label) for key, label in choices).get(value, value)
    return value or "—"


def _rebase_one(form, loaded, names, *, title: str, anchor: str) -> ChangedPart | None:
    """Rebase one bound ``form`` (whose instance is what is stored now) on the
    ``loaded`` copy the editor started from, in place in ``form.data``."""
    current = form.instance
    loaded_form = type(form)(instance=loaded, prefix=form.prefix) if loaded else None
    changes = []
    for name in names:
        if name not in form.fields or (loaded_form and name not in loaded_form.fields):
            continue  # the article a row belongs to, added by the formset
        field = current._meta.get_field(name)
        if loaded is None:
            # Unknown starting point: every difference is shown, the editor's kept.
            they_changed = form.fields[name].has_changed(
                form[name].initial, form[name].data
            )
            user_changed = they_changed
        else:
            they_changed = getattr(loaded, field.attname) != getattr(
                current, field.attname
            )
            user_changed = form.fields[name].has_changed(
                loaded_form[name].initial, form[name].data
            )
        if not they_changed:
            continue
        if not user_changed:
            form.data[form.add_prefix(name)] = _as_data(form[name].initial)
        changes.append(
            FieldChange(
                label=str(form.fields[name].label),
                before=_shown(loaded, name) if loaded is not None else "—",
                now=_shown(current, name),
                yours=_typed(form, name) if user_changed else None,
            )
        )
    if not changes:
        return None
    return ChangedPart(title=title, anchor=anchor, changes=changes)


def loaded_version(form) -> int | None:
    """The version of its position the bound ``form`` was loaded with."""
    version = form.data.get(form.add_prefix("version"))
    return int(version) if version and version.isdigit() else None


def rebase_position(form, *, loaded) -> list[ChangedPart]:
    """Rebase the bound position ``form`` (on what is stored now, with a
    mutable ``data``) on the ``loaded`` copy the editor started from (None
    when unknown); it then carries the stored version. Returns what the
    other person changed."""
    form.data[form.add_prefix("version")] = str(form.instance.version)
    part = _rebase_one(
        form,
        loaded,
        form._meta.fields,
        title="The position",
        anchor=row_anchor(form),
    )
    return [] if part is None else [part]


def loaded_versions(formset) -> dict[int, int]:
    """The version of each saved position the bound ``formset`` was loaded with."""
    versions = {}
    for row in formset.forms:
        pk, version = (row.data.get(row.add_prefix(name)) for name in ("id", "version"))
        if pk and pk.isdigit() and version and version.isdigit():
            versions[int(pk)] = int(version)
    return versions


def rebase(form, formset, *, loaded_article, loaded_positions) -> list[ChangedPart]:
    """Rebase the bound article ``form`` and positions ``formset`` (both on
    what is stored now, sharing one mutable ``data``) on what was stored
    meanwhile; returns what the other person changed, article first."""
    data = form.data
    data["loaded_at"] = form.instance.updated_at.isoformat()
    parts = [
        _rebase_one(
            form,
            loaded_article,
            form._meta.fields,
            title="The article",
            anchor="article-fields",
        )
    ]
    for number, row in enumerate(formset.forms, start=1):
        position = row.instance
        version_key = row.add_prefix("version")
        if not position.pk or data.get(version_key) == str(position.version):
            continue
        data[version_key] = str(position.version)
        parts.append(
            _rebase_one(
                row,
                loaded_positions.get(position.pk),
                row._meta.fields,
                title=f"Position {number}",
                anchor=row_anchor(row),
            )
        )
    return [part for part in parts if part is not None]
