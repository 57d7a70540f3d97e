"""One position, as a curator (admin) or an analyst (the pages) enters it."""

from django import forms
from django.core.exceptions import ValidationError

from actors.models import Actor
from positions.forms.missing import NewProposalForm
from positions.forms.names import (
    SIDE_KINDS,
    NamedActorField,
    NamedEventField,
    NamedProposalField,
)
from positions.models import Attribution, Position, Stance
from positions.services import POSITION_EDITABLE_FIELDS, side_for_speaker


class PositionForm(forms.ModelForm):
    """One position, as entered by an analyst or a curator.

    The side may be left empty when a speaker is given: it is then the
    speaker's affiliation on the stated date. ``version`` travels with the
    form so that an edit based on a stale copy is refused.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Position
        fields = POSITION_EDITABLE_FIELDS
        labels = {
            "actor": "Side",
            "stated_on": "Stated on",
            "quote": "Quote",
            "note": "Note",
            "condition": "Holds only if",
            "quote_original": "Quote in the original language",
            "quote_language": "Language of the original",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].required = False
        if self.instance.pk:
            # Without the version it was based on, an edit could overwrite.
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            submitted = cleaned.get("version")
            if submitted is not None and submitted != self.instance.version:
                raise ValidationError(
                    "Someone else saved this position while you were editing it. "
                    "Their version is shown now; apply your change again.",
                    code="version_conflict",
                )
        if cleaned.get("actor") is None and "actor" not in self.errors:
            speaker, stated_on = cleaned.get("speaker"), cleaned.get("stated_on")
            if speaker is None:
                self.add_error(
                    "actor",
                    "Choose the side, or name a speaker whose affiliation on that date "
                    "supplies it.",
                )
            elif stated_on is not None:
                try:
                    cleaned["actor"] = side_for_speaker(speaker=speaker, on=stated_on)
                except ValidationError as error:
                    self.add_error(None, error)
        return cleaned

    def editable_data(self) -> dict:
        return {
            field: self.cleaned_data[field]
            for field in POSITION_EDITABLE_FIELDS
            if field in self.cleaned_data
        }


ATTRIBUTION_CHOICES = [("", "— from the speaker —")] + list(Attribution.choices)

STANCE_CHOICES = [("", "—")] + [
    (stance.value, f"{stance.value:+d} {stance.label}") for stance in Stance
]


class WebPositionForm(PositionForm):
    """The analysts' form: names typed (with suggestions), stance by its words."""

    actor = NamedActorField(
        kinds=SIDE_KINDS, suggest="sides", required=False, label="Side"
    )
    speaker = NamedActorField(
        kinds=[Actor.Kind.PERSON], suggest="persons", required=False, label="Speaker"
    )
    proposal = NamedProposalField(suggest="proposals", label="Proposal")
    stance = forms.TypedChoiceField(choices=STANCE_CHOICES, coerce=int, label="Stance")
    event = NamedEventField(suggest="events", required=False, label="Said at event")
    attribution = forms.ChoiceField(
        choices=ATTRIBUTION_CHOICES,
        required=False,
        label="Attribution",
        help_text="Left as is: “stated” when the speaker was affiliated with the side "
        "that day, otherwise “reported”.",
    )
    condition_proposal = NamedProposalField(
        suggest="proposals", required=False, label="Condition: on proposal"
    )
    condition_event = NamedEventField(
        suggest="events", required=False, label="Condition: on event"
    )

    # What a new row takes over from the row before it; a new row holding
    # nothing else is left out, as an untouched extra row is.
    CARRIED = ("speaker", "stated_on")
    # What "Duplicate" copies: all a row holds but which saved position it is.
    COPIED = tuple(field for field in POSITION_EDITABLE_FIELDS if field != "article")

    def __init__(self, *args, may_add=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        # Which missing rows ("speaker", "proposal") this editor may add from
        # the form, when what was typed names none.
        self.may_add = may_add
        self.fields["stated_on"].required = False
        self.fields["stated_on"].help_text = "Left empty: the article's date."
        # Show names by slug, from the related rows already loaded with the
        # position (not one query per field per row).
        position = self.instance
        for name in (
            "actor",
            "speaker",
            "proposal",
            "event",
            "condition_proposal",
            "condition_event",
        ):
            related_id = getattr(position, f"{name}_id", None)
            if related_id is not None:
                self.initial[name] = getattr(position, name).slug

    def missing(self, name: str) -> str:
        """What was typed in ``name`` and names no row, if this editor may add
        it; otherwise ""."""
        if name not in self.may_add or not self.is_bound:
            return ""
        errors = self.errors.as_data().get(name, [])
        if not any(error.code == "unknown_name" for error in errors):
            return ""
        return (self.data.get(self.add_prefix(name)) or "").strip()

    @property
    def missing_speaker(self) -> str:
        return self.missing("speaker")

    @property
    def missing_proposal(self):
        """A form to add the proposal typed, when it is missing and may be added."""
        title = self.missing("proposal")
        if not title:
            return None
        return NewProposalForm(
            initial={"title": title}, prefix=self.add_prefix("new-proposal")
        )

    def has_changed(self):
        if self.instance.pk:
            return super().has_changed()
        return any(name not in self.CARRIED for name in self.changed_data)

    def clean_stated_on(self):
        stated_on = self.cleaned_data.get("stated_on")
        if stated_on is not None:
            return stated_on
        article = getattr(self.instance, "article", None)
        published_on = getattr(article, "published_on", None)
        if published_on is None:
            raise ValidationError(
                "Enter the date, or the article's publication date to use it here."
            )
        return published_on

    class Meta(PositionForm.Meta):
        fields = [field for field in POSITION_EDITABLE_FIELDS if field != "article"]
        labels = PositionForm.Meta.labels
        widgets = {
            "stated_on": forms.DateInput(attrs={"type": "date"}),
            "quote": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
            "condition": forms.Textarea(attrs={"rows": 1}),
            "quote_original": forms.Textarea(attrs={"rows": 2}),
            "quote_language": forms.TextInput(attrs={"size": 4}),
        }
