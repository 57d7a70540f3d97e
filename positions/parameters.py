"""Query parameters of the analysis endpoints, parsed strictly.

Each form turns the query string into selector arguments; an unknown slug, a
malformed date or an unknown parameter is an error naming the parameter.
"""

import datetime

from django import forms
from rest_framework import exceptions

from actors.models import Actor
from config.filtering import ExistingRowsField, ParameterForm
from positions.models import Negotiation, Proposal
from positions.selectors import CHANGE_KINDS


class SlugsField(ExistingRowsField):
    """Ids of the rows named by slug; the selectors take ids."""

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(queryset=queryset, **kwargs)

    def clean(self, value):
        # An empty selection means "no filter", not "match nothing".
        return super().clean(value) or None


class PairScopeParameters(ParameterForm):
    actor = SlugsField(Actor.objects.all())
    proposal = SlugsField(Proposal.objects.all())
    negotiation = SlugsField(Negotiation.objects.all())

    def scope(self) -> dict:
        data = self.cleaned_data
        return {
            "actors": data["actor"],
            "proposals": data["proposal"],
            "negotiations": data["negotiation"],
        }


class StancesParameters(PairScopeParameters):
    as_of = forms.DateField(required=False)

    def as_of_date(self) -> datetime.date:
        return self.cleaned_data["as_of"] or datetime.date.today()


class TimelineParameters(PairScopeParameters):
    stated_after = forms.DateField(required=False)
    stated_before = forms.DateField(required=False)


class ChangesParameters(PairScopeParameters):
    since = forms.DateField(required=False)
    until = forms.DateField(required=False)
    kind = forms.MultipleChoiceField(
        choices=[(kind, kind) for kind in CHANGE_KINDS], required=False
    )


class GapParameters(ParameterForm):
    a = forms.ModelChoiceField(Actor.objects.all(), to_field_name="slug")
    b = forms.ModelChoiceField(Actor.objects.all(), to_field_name="slug")
    negotiation = SlugsField(Negotiation.objects.all())
    since = forms.DateField(required=False)
    until = forms.DateField(required=False)


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


# Keys of the analysis lists' cursors, checked: a cursor comes from the client.
MAX_ID = 2**63 - 1


def stance_cursor_key(key) -> tuple[str, str]:
    """(actor slug, proposal slug) of the last as-of stance of a page."""
    actor, proposal = key
    if not isinstance(actor, str) or not isinstance(proposal, str):
        raise ValueError("slugs expected")
    return actor, proposal


def change_cursor_key(key) -> tuple[datetime.date, int]:
    """(change date, position id) of the last change of a page."""
    day, position_id = key
    if type(position_id) is not int or not 0 < position_id <= MAX_ID:
        raise ValueError("a position id expected")
    return datetime.date.fromisoformat(day), position_id
