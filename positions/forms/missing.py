"""A speaker or a proposal the article form names but the database lacks,
added from the form by an editor who may (``actors.add_actor``,
``positions.add_proposal``), without leaving it."""

from django import forms

from actors.models import Actor
from positions.models import Negotiation, Proposal


class NewPersonForm(forms.ModelForm):
    """A new person, by the name typed as a speaker."""

    kind = "person"

    class Meta:
        model = Actor
        fields = ["name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.kind = Actor.Kind.PERSON


class NewProposalForm(forms.ModelForm):
    """A new proposal, by the title typed, in the negotiation chosen beside it."""

    kind = "proposal"

    class Meta:
        model = Proposal
        fields = ["title", "negotiation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["negotiation"].queryset = Negotiation.objects.order_by("title")
        self.fields["negotiation"].empty_label = None
        self.fields["title"].widget = forms.HiddenInput()
