"""Filter building blocks shared by the API and the web pages.

A typo in a query parameter must never silently return every row, so both
the FilterSets and the parameter forms of the analysis endpoints refuse
parameters they do not know.
"""

import copy

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import connections
from django.forms.utils import ErrorDict, ErrorList
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions

from config.lib import versions
from config.lib.limits import MAX_ID, MAX_REPEATED_VALUES, is_digits, is_id
from config.lib.pagination import (
    COUNT_PARAMETER,
    CURSOR_PARAMETER,
    PAGE_SIZE_PARAMETER,
)
from config.lib.slugs import renamed

# Parameters the pagination, the rendering and the choice of data version
# (config.lib.snapshots) read, not the filters.
PAGING_PARAMETERS = frozenset(
    {
        CURSOR_PARAMETER,
        PAGE_SIZE_PARAMETER,
        COUNT_PARAMETER,
        "format",
        "known_at",
        "release",
    }
)


def _unknown_parameter_errors(data, known) -> dict[str, ErrorList]:
    return {
        name: ErrorList(
            [
                ValidationError(
                    # Params, not an f-string: a name may contain "%".
                    "Unknown parameter “%(name)s”. Known: %(known)s.",
                    code="unknown_parameter",
                    params={"name": name, "known": ", ".join(sorted(known))},
                )
            ]
        )
        for name in sorted(set(data.keys()) - set(known))
    }


def refuse_unknown_parameters(query_params, known) -> None:
    """A 400 naming each query parameter not in ``known``, for reads that
    take no FilterSet (one object, its history): never silently ignored."""
    errors = _unknown_parameter_errors(query_params, known)
    if errors:
        raise exceptions.ValidationError(
            {
                name: [error.message % error.params for error in errors[name].as_data()]
                for name in errors
            }
        )


def _copy_filter(filter_: django_filters.Filter) -> django_filters.Filter:
    copied = copy.copy(filter_)
    if copied.method is not None:
        # Setting it again binds a new FilterMethod to the copy, not the original.
        copied.method = copied.method
    return copied


class StrictFilterSet(django_filters.FilterSet):
    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # As django-filter's own, except that each filter is copied shallowly
        # rather than deep-copied with its queryset for every request: a
        # filter's settings are only read.
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {
            name: _copy_filter(filter_) for name, filter_ in self.base_filters.items()
        }
        for filter_ in self.filters.values():
            filter_.model = queryset.model
            filter_.parent = self

    @classmethod
    def _form_class(cls):
        # Built once per FilterSet class: django-filter builds a new form class
        # (a form field per filter, then a metaclass) on every request. A form
        # instance still gets its own deep copy of the fields, as every Django
        # form does. Fields here never depend on the request.
        if "_cached_form_class" not in cls.__dict__:
            # Copies: a filter keeps the field it builds, and the base filters
            # are copied for every request.
            filters = copy.deepcopy(cls.base_filters)
            fields = {name: filter_.field for name, filter_ in filters.items()}
            cls._cached_form_class = type(
                f"{cls.__name__}Form", (cls._meta.form,), fields
            )
        return cls._cached_form_class

    def get_form_class(self):
        return self._form_class()

    def _known_parameters(self) -> set[str]:
        return set(self.filters) | PAGING_PARAMETERS

    def is_valid(self) -> bool:
        valid = super().is_valid()
        return valid and not _unknown_parameter_errors(
            self.data, self._known_parameters()
        )

    @property
    def errors(self) -> ErrorDict:
        errors = ErrorDict(self.form.errors)
        errors.update(_unknown_parameter_errors(self.data, self._known_parameters()))
        return errors


class OrderedPeriod:
    """A form's period (``period``: its first and last date field): a start
    after the end is an error on the start naming the end by its label, not
    an empty answer. Pages, API parameters and FilterSets' forms share it."""

    period = ("since", "until")

    def clean(self):
        data = super().clean()
        first, last = self.period
        start, end = data.get(first), data.get(last)
        if start is not None and end is not None and start > end:
            self.add_error(
                first,
                ValidationError(
                    "Choose a date on or before “%(end)s” (%(date)s).",
                    code="after_end",
                    params={"end": self[last].label, "date": end.isoformat()},
                ),
            )
        return data


class ParameterForm(forms.Form):
    """Query parameters of an analysis endpoint, validated like a FilterSet."""

    def __init__(self, data, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.unknown = _unknown_parameter_errors(
            data, set(self.fields) | PAGING_PARAMETERS
        )

    def is_valid(self) -> bool:
        return super().is_valid() and not self.unknown

    @property
    def all_errors(self) -> ErrorDict:
        errors = ErrorDict(self.errors)
        errors.update(self.unknown)
        return errors


class RepeatableValueField(forms.Field):
    """Any number of values of one parameter (``?outlet=a&outlet=b``)."""

    widget = forms.SelectMultiple

    def to_python(self, value):
        if not value:
            return []
        return [str(item).strip() for item in value if str(item).strip()]

    def validate(self, value):
        super().validate(value)
        if len(value) > MAX_REPEATED_VALUES:
            raise ValidationError(
                "At most %(limit)s values, not %(count)s.",
                code="too_many_values",
                params={"limit": MAX_REPEATED_VALUES, "count": len(value)},
            )
        for item in value:
            ProhibitNullCharactersValidator()(item)


class RepeatableCharFilter(django_filters.Filter):
    field_class = RepeatableValueField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "in")
        super().__init__(*args, **kwargs)


class ExistingRowsField(RepeatableValueField):
    """Values naming existing rows by ``key`` (a slug, an id), checked with one
    query; cleans to the rows' ids. A plain field rather than a
    ModelMultipleChoiceField, which copies its queryset into every request's
    form and loads whole rows to check a name."""

    key = "slug"
    default_error_messages = {
        "invalid_choice": "Select a valid choice. %(value)s is not one of the "
        "available choices.",
    }

    def __init__(self, *, queryset, **kwargs):
        # A callable gives the queryset when it is needed: a model of an app
        # this one must not import.
        self.queryset = queryset
        super().__init__(**kwargs)

    def key_value(self, item: str):
        return item

    def clean(self, value) -> list[int]:
        names = list(dict.fromkeys(super().clean(value)))
        if not names:
            return []
        live = queryset = self.queryset() if callable(self.queryset) else self.queryset
        version = versions.reading_version()
        if version is not None and hasattr(queryset.model, "history"):
            # Reading the past: a name of a row that stood then, deleted or
            # renamed since, still names it.
            queryset = queryset.model.history.at_version(version)
        if self.key == "slug":
            # A slug is never all digits: such a value is the row's id.
            ids = {name for name in names if is_digits(name)}
            found = {
                **_ids_by_key(queryset, "slug", set(names) - ids),
                **{
                    str(pk): pk
                    for pk in _ids_by_key(
                        queryset, "pk", {int(name) for name in ids if is_id(int(name))}
                    )
                },
            }
            keys = {name: name for name in names}
        else:
            keys = {name: self.key_value(name) for name in names}
            found = _ids_by_key(queryset, self.key, set(keys.values()))
        missing = [key for key in keys.values() if key not in found]
        if missing and self.key == "slug":
            # An old slug of a renamed row keeps resolving.
            found |= {
                slug: row_id
                for slug, row_id in renamed(_live(queryset.model), missing).items()
                if queryset.filter(**{_pk_of(queryset): row_id}).exists()
            }
        missing = [key for key in keys.values() if key not in found]
        if missing and live is not queryset:
            # A row made after the instant read: it names nothing then, so the
            # answer is empty, not an error (its name is not misspelt).
            if self.key == "slug":
                ids = {int(name) for name in missing if is_digits(name)}
                found |= _ids_by_key(live, "slug", set(missing) - set(map(str, ids)))
                found |= {
                    str(pk): pk
                    for pk in _ids_by_key(live, "pk", {pk for pk in ids if is_id(pk)})
                }
            else:
                found |= _ids_by_key(live, self.key, set(missing))
        for name, key in keys.items():
            if key not in found:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": name},
                )
        return [found[key] for key in keys.values()]


def _live(model):
    """The model itself, or the one whose history rows ``model`` holds."""
    return getattr(model, "instance_type", model)


def _pk_of(queryset) -> str:
    # A history row's pk is its own; ``id`` is the object's.
    return "id" if hasattr(queryset.model, "instance_type") else "pk"


def _ids_by_key(queryset, key: str, values: set) -> dict:
    """{key value: id} of the rows of ``queryset`` with those key values
    (also of history rows: their ``pk`` is the history row's, ``id`` the
    object's)."""
    if not values:
        return {}
    if queryset.query.where or queryset.query.is_sliced:
        pk = _pk_of(queryset)
        key = pk if key == "pk" else key
        return dict(queryset.filter(**{f"{key}__in": values}).values_list(key, pk))
    # A whole table (the usual case): plain SQL, as the ORM took longer to
    # build the query than the database to answer it, on every list request.
    meta = queryset.model._meta
    quote = connections[queryset.db].ops.quote_name
    column = quote(meta.pk.column if key == "pk" else meta.get_field(key).column)
    placeholders = ", ".join(["%s"] * len(values))
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(
            # Names from the model, values as parameters.
            f"SELECT {column}, {quote(meta.pk.column)} FROM {quote(meta.db_table)} "  # noqa: S608
            f"WHERE {column} IN ({placeholders})",
            list(values),
        )
        return dict(cursor.fetchall())


class IdsField(ExistingRowsField):
    """Ids checked to be whole numbers a database column can hold before any query."""

    key = "pk"

    def key_value(self, item: str) -> int:
        try:
            number = int(item)
        except ValueError:
            number = 0
        if not is_id(number):
            # Params, not an f-string: DRF formats the message with them, and
            # a value may contain "%".
            raise ValidationError(
                "“%(value)s” is not an id.",
                code="invalid_pk_value",
                params={"value": item},
            )
        return number


class SlugsFilter(django_filters.Filter):
    """Related rows by slug; repeated means OR, an unknown slug is an error.

    ``distinct`` is off: a foreign key cannot repeat a row, and SELECT DISTINCT
    over every column costs a sort; filters across to-many relations pass True.
    """

    field_class = ExistingRowsField

    def filter(self, queryset, value):
        if not value:
            return queryset
        queryset = queryset.filter(**{f"{self.field_name}__in": value})
        return queryset.distinct() if self.distinct else queryset


class IdsFilter(SlugsFilter):
    field_class = IdsField


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, which also filters a model's history rows
    (a list read as of a past data version) with the model's FilterSet: they
    have the model's fields."""

    def get_filterset_class(self, view, queryset=None):
        model = getattr(getattr(queryset, "model", None), "instance_type", None)
        if model is not None:
            queryset = model._default_manager.none()
        return super().get_filterset_class(view, queryset)


class VersionOrInstantField(forms.Field):
    """A data version (a whole number) or an ISO date-time: cleans to the data
    version, an instant standing for the last version taken at or before it."""

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        if value.isdigit():
            number = int(value)
            if not is_id(number) and number != 0:
                raise ValidationError(
                    "“%(value)s” is too large.", params={"value": value}
                )
            return number
        try:
            instant = parse_datetime(value)
        except ValueError:
            instant = None
        if instant is None or len(value) <= len("2019-06-01"):
            raise ValidationError(
                "“%(value)s” is neither a data version nor an ISO date-time with "
                "a time, e.g. 2019-06-01T00:00:00Z.",
                code="invalid",
                params={"value": value},
            )
        if timezone.is_naive(instant):
            instant = timezone.make_aware(instant)
        return versions.snapshot_at(versions.in_utc(instant)).version


# Either form, so that a client (and a generated one) can send what the
# response headers gave it: X-Data-Version or an instant.
VERSION_OR_INSTANT_SCHEMA = {
    "anyOf": [
        {"type": "integer", "minimum": 0, "maximum": MAX_ID},
        {"type": "string", "format": "date-time"},
    ]
}


@extend_schema_field(VERSION_OR_INSTANT_SCHEMA)
class UpdatedSinceFilter(django_filters.Filter):
    """Rows created, changed or restored after a data version (or an instant):
    those with a history row of a later version. With the deletions list
    (``/api/v1/deletions/?since=``) it keeps a mirror exact."""

    field_class = VersionOrInstantField

    def filter(self, queryset, value):
        if value is None:
            return queryset
        model = getattr(queryset.model, "instance_type", None) or queryset.model
        changed = model.history.filter(data_version__gt=value).values("id")
        return queryset.filter(id__in=changed)


SYNC_ORDERINGS = {
    "updated_at": ("updated_at", "id"),
    "-updated_at": ("-updated_at", "-id"),
}


class SyncFilterSet(StrictFilterSet):
    """A resource list's FilterSet with ``updated_since`` and ``ordering`` by
    ``updated_at`` (ties by id), for mirroring. A subclass with more orderings
    declares its own ``ordering`` and ``ordering_choices``."""

    ordering_choices: dict[str, tuple[str, ...]] = SYNC_ORDERINGS

    updated_since = UpdatedSinceFilter(
        help_text="A data version (`X-Data-Version` of an earlier response) or an "
        "ISO date-time: only rows created, changed or restored since."
    )
    ordering = django_filters.ChoiceFilter(
        choices=[(key, key) for key in SYNC_ORDERINGS],
        method="filter_ordering",
        empty_label=None,
        help_text="`updated_at` or `-updated_at` (ties by id); default: the "
        "list's own order.",
    )

    def filter_ordering(self, queryset, name, value):
        return queryset.order_by(*self.ordering_choices[value])
