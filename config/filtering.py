"""Filter building blocks shared by the API and the web pages.

A typo in a query parameter must never silently return every row, so both
the FilterSets and the parameter forms of the analysis endpoints refuse
parameters they do not know.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.forms.utils import ErrorDict, ErrorList

# Parameters the pagination and rendering read, not the filters.
PAGING_PARAMETERS = frozenset({"cursor", "page_size", "format"})


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


class StrictFilterSet(django_filters.FilterSet):
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
        for item in value:
            ProhibitNullCharactersValidator()(item)


class RepeatableCharFilter(django_filters.Filter):
    field_class = RepeatableValueField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "in")
        super().__init__(*args, **kwargs)


class SlugsFilter(django_filters.ModelMultipleChoiceFilter):
    """Related objects by slug; repeated means OR, an unknown slug is an error."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(*args, **kwargs)

    def get_filter_predicate(self, value):
        # Filter by the object itself; the slug only names it in the URL.
        return {self.field_name: value}


class IdsField(django_filters.fields.ModelMultipleChoiceField):
    """Ids checked to be whole numbers a database column can hold before any query."""

    def _check_values(self, value):
        for item in value:
            try:
                number = int(str(item))
            except ValueError:
                number = 0
            if not 0 < number < 2**63:
                raise ValidationError(
                    f"“{item}” is not an id.", code="invalid_pk_value"
                )
        return super()._check_values(value)


class IdsFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = IdsField
