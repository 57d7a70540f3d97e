from django import forms
from django.core.exceptions import ValidationError

from positions.models import Position
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
        if cleaned.get("actor") is None:
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
