"""Query parameters of the analysis endpoints, parsed strictly.

Each form turns the query string into selector arguments; an unknown slug, a
malformed date or an unknown parameter is an error naming the parameter.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from rest_framework import exceptions

from actors.models import Actor
from config.lib.filtering import ExistingRowsField, OrderedPeriod, ParameterForm
from config.lib.limits import is_digits, is_id
from config.lib.rest import slug_or_id
from config.lib.slugs import renamed
from positions.models import Attribution, Negotiation, Proposal
from positions.selectors import CHANGE_KINDS, DEFAULT_CHANGE_KINDS


class SlugsField(ExistingRowsField):
    """Ids of the rows named by slug; the selectors take ids."""

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(queryset=queryset, **kwargs)

    def clean(self, value):
        # An empty selection means "no filter", not "match nothing".
        return super().clean(value) or None


PERSON_AS_SIDE = (
    "“%(value)s” is a person: a person speaks for a side, never is one. "
    "Name the state, organization or group instead."
)


def _person_among(names) -> str | None:
    # A name with a NUL character is no slug (and PostgreSQL refuses it).
    names = [name for name in names if "\x00" not in name]
    if not names:
        return None
    return (
        Actor.objects.persons()
        .filter(slug__in=names)
        .values_list("slug", flat=True)
        .first()
    )


def _person_as_side(slug: str) -> ValidationError:
    return ValidationError(
        PERSON_AS_SIDE, code="person_as_side", params={"value": slug}
    )


class SidesField(SlugsField):
    """Ids of actors named by slug, each a side: a person is an error. Sides
    are checked with the one query of any slug; a person costs one more
    query, on the way to the error only."""

    def __init__(self, **kwargs):
        super().__init__(Actor.objects.sides(), **kwargs)

    def clean(self, value):
        try:
            return super().clean(value)
        except ValidationError:
            person = _person_among(self.to_python(value))
            if person is not None:
                raise _person_as_side(person) from None
            raise


class SideChoiceField(forms.ModelChoiceField):
    """One actor by slug, a side: a person is an error."""

    def __init__(self, **kwargs):
        super().__init__(Actor.objects.sides(), to_field_name="slug", **kwargs)

    def to_python(self, value):
        if isinstance(value, str) and is_digits(value):
            # All digits: the actor's id, as with any slug parameter.
            try:
                return self.queryset.get(**slug_or_id(value))
            except Actor.DoesNotExist:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                ) from None
        return super().to_python(value)

    def clean(self, value):
        # PostgreSQL refuses a NUL in a query: a slug never holds one.
        ProhibitNullCharactersValidator()(value)
        try:
            return super().clean(value)
        except ValidationError:
            # An old slug of a renamed side keeps resolving.
            row_id = renamed(Actor, [value]).get(value) if value else None
            if row_id is not None and self.queryset.filter(pk=row_id).exists():
                return self.queryset.get(pk=row_id)
            person = _person_among([value]) if value else None
            if person is not None:
                raise _person_as_side(person) from None
            raise


class FlagField(forms.TypedChoiceField):
    """``true`` or ``false``, strictly (``yes`` is an error, not "no filter")."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=[("true", "true"), ("false", "false")],
            coerce=lambda value: value == "true",
            empty_value=None,
            required=False,
            **kwargs,
        )


class AttributionsField(forms.MultipleChoiceField):
    """``attribution=`` (repeatable): only positions known that way take part."""

    def __init__(self, **kwargs):
        super().__init__(choices=Attribution.choices, required=False, **kwargs)


class PairScopeParameters(ParameterForm):
    actor = SidesField()
    proposal = SlugsField(Proposal.objects.all())
    negotiation = SlugsField(Negotiation.objects.all())
    attribution = AttributionsField()

    def scope(self) -> dict:
        data = self.cleaned_data
        return {
            "actors": data["actor"],
            "proposals": data["proposal"],
            "negotiations": data["negotiation"],
            "attributions": data["attribution"] or None,
        }


class StancesParameters(PairScopeParameters):
    as_of = forms.DateField(required=False)

    def arguments(self) -> dict:
        """``stances_as_of``'s arguments."""
        return self.scope() | {
            "on": self.cleaned_data["as_of"] or datetime.date.today()
        }


class TimelineParameters(OrderedPeriod, PairScopeParameters):
    period = ("stated_after", "stated_before")
    stated_after = forms.DateField(required=False)
    stated_before = forms.DateField(required=False)
    by = forms.ChoiceField(choices=[("speaker", "speaker")], required=False)

    def arguments(self) -> dict:
        """``position_timeline``'s arguments."""
        data = self.cleaned_data
        return self.scope() | {
            "stated_after": data["stated_after"],
            "stated_before": data["stated_before"],
        }

    @property
    def by_speaker(self) -> bool:
        return self.cleaned_data["by"] == "speaker"


class ChangesParameters(OrderedPeriod, PairScopeParameters):
    since = forms.DateField(required=False)
    until = forms.DateField(required=False)
    kind = forms.MultipleChoiceField(
        choices=[(kind, kind) for kind in CHANGE_KINDS], required=False
    )
    contested = FlagField()

    def arguments(self) -> dict:
        """``change_list``'s arguments."""
        data = self.cleaned_data
        return self.scope() | {
            "since": data["since"],
            "until": data["until"],
            "kinds": data["kind"] or DEFAULT_CHANGE_KINDS,
            "contested": data["contested"],
        }


class GapParameters(OrderedPeriod, ParameterForm):
    a = SideChoiceField()
    b = SideChoiceField()
    negotiation = SlugsField(Negotiation.objects.all())
    proposal = SlugsField(Proposal.objects.all())
    since = forms.DateField(required=False)
    until = forms.DateField(required=False)
    terms = FlagField()
    attribution = AttributionsField()

    def arguments(self) -> dict:
        """``gap_series``'s arguments."""
        data = self.cleaned_data
        return {
            "a": data["a"],
            "b": data["b"],
            "negotiations": data["negotiation"],
            "proposals": data["proposal"],
            "with_terms": data["terms"] is not False,
            "since": data["since"],
            "until": data["until"],
            "attributions": data["attribution"] or None,
        }


class DiffParameters(PairScopeParameters):
    from_date = forms.DateField()
    to_date = forms.DateField()

    def clean(self):
        data = super().clean()
        start, end = data.get("from_date"), data.get("to_date")
        if start is not None and end is not None and start >= end:
            self.add_error("from_date", "Must be before to_date.")
        return data

    def arguments(self) -> dict:
        """``diff_rows``'s arguments."""
        data = self.cleaned_data
        return self.scope() | {
            "from_date": data["from_date"],
            "to_date": data["to_date"],
        }


class SummaryParameters(OrderedPeriod, ParameterForm):
    since = forms.DateField(required=False)
    until = forms.DateField(required=False)
    attribution = AttributionsField()

    def arguments(self) -> dict:
        """``actor_summary``'s arguments, but the actor."""
        data = self.cleaned_data
        return {
            "since": data["since"],
            "until": data["until"] or datetime.date.today(),
            "attributions": data["attribution"] or None,
        }


def parse(form_class: type[ParameterForm], request) -> ParameterForm:
    """The bound, valid form, or a 400 naming each bad parameter."""
    form = form_class(request.query_params)
    if not form.is_valid():
        raise exceptions.ValidationError(
            {
                name: [str(message) for message in messages]
                for name, messages in form.all_errors.items()
            }
        )
    return form


@dataclass(frozen=True)
class CursorKey:
    """How an analysis list's cursor names its last row: ``of(row)`` writes
    the key, ``parse(key)`` checks one from a client (ValueError, TypeError)
    and turns it into the selector's ``after``."""

    of: object
    parse: object


def _stance_after(key) -> tuple[str, str]:
    actor, proposal = key
    if not all(isinstance(slug, str) and "\x00" not in slug for slug in key):
        raise ValueError("slugs expected")
    return actor, proposal


def _change_after(key) -> tuple[datetime.date, int]:
    day, position_id = key
    if not is_id(position_id):
        raise ValueError("a position id expected")
    return datetime.date.fromisoformat(day), position_id


# (actor slug, proposal slug) of the last as-of stance of a page.
STANCE_CURSOR = CursorKey(
    of=lambda row: [row.actor_slug, row.proposal_slug], parse=_stance_after
)
# (actor slug, proposal slug) of the last series of a timeline page.
TIMELINE_CURSOR = CursorKey(
    of=lambda series: [series.actor_slug, series.proposal_slug], parse=_stance_after
)
# (actor slug, proposal slug) of the last row of a page of a diff.
DIFF_CURSOR = STANCE_CURSOR
# (change date, position id) of the last change of a page.
CHANGE_CURSOR = CursorKey(
    of=lambda row: [row.changed_on.isoformat(), row.to_position_id],
    parse=_change_after,
)
