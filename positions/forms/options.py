"""The options of the analysis pages: dates, sides, which positions."""

from django import forms

from actors.models import Actor
from config.lib.filtering import OrderedPeriod
from positions.forms.names import SIDE_KINDS, NamedActorField, NamedProposalField
from positions.parameters import AttributionsField


class AttributionChoice(AttributionsField):
    """The API's ``attribution=`` as a page option, with checkboxes: only
    positions known these ways take part in the page's matrix, charts and
    changes (none ticked: all of them)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self):
        super().__init__(
            label="Only positions",
            help_text="None ticked: every position. “stated” alone shows what "
            "each side said itself.",
        )


class MatrixOptions(forms.Form):
    """The negotiation page's options: the matrix date and the two sides of the gap."""

    as_of = forms.DateField(
        required=False, label="As of", widget=forms.DateInput(attrs={"type": "date"})
    )
    a = forms.ModelChoiceField(
        Actor.objects.none(),
        to_field_name="slug",
        required=False,
        label="First side of the gap",
    )
    b = forms.ModelChoiceField(
        Actor.objects.none(),
        to_field_name="slug",
        required=False,
        label="Second side of the gap",
    )
    attribution = AttributionChoice()

    def __init__(self, data, *, negotiation, **kwargs):
        super().__init__(data, **kwargs)
        for name in ("a", "b"):
            self.fields[name].queryset = negotiation.participants.all()


class SearchForm(OrderedPeriod, forms.Form):
    """The search box, and what narrows the statements and articles found.
    A NUL or an overlong query is an error shown on the page."""

    q = forms.CharField(required=False, max_length=200, label="Search")
    actor = NamedActorField(
        kinds=[*SIDE_KINDS, Actor.Kind.PERSON],
        suggest="actors",
        required=False,
        label="Said by",
    )
    proposal = NamedProposalField(suggest="proposals", required=False, label="On")
    since = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )


class CompareOptions(forms.Form):
    """The comparison page's two dates; the first must come before the second."""

    from_date = forms.DateField(
        label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    to_date = forms.DateField(
        label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    attribution = AttributionChoice()

    def clean(self):
        data = super().clean()
        start, end = data.get("from_date"), data.get("to_date")
        if start is not None and end is not None and start >= end:
            self.add_error("from_date", "Choose a date before the second one.")
        return data


class PeriodOptions(OrderedPeriod, forms.Form):
    """The actor page's period for the flip-o-meter; both dates optional."""

    since = forms.DateField(
        required=False, label="Since", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="Until", widget=forms.DateInput(attrs={"type": "date"})
    )
    attribution = AttributionChoice()


class ProposalOptions(forms.Form):
    """The proposal page's chart: whose positions, one line per side or per
    speaker."""

    attribution = AttributionChoice()
    by = forms.ChoiceField(
        choices=[("", "one line per side"), ("speaker", "one line per speaker")],
        required=False,
        label="Lines",
    )
