"""Admin forms for actors."""

from django import forms

from actors.models import Actor


class AliasesField(forms.CharField):
    """A list of names, typed one a line rather than as JSON."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        # Blank lines and repeats are typing, not names.
        names = []
        for line in text.splitlines():
            name = line.strip()
            if name and name not in names:
                names.append(name)
        return names


class ActorAdminForm(forms.ModelForm):
    aliases = AliasesField(
        required=False,
        help_text="Other spellings and names, one a line: used by search, the "
        "entry form's suggestions and CSV import.",
    )

    class Meta:
        model = Actor
        fields = ["name", "slug", "short_name", "kind", "description", "aliases"]
