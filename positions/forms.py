from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet, inlineformset_factory

from actors.models import Actor
from positions.models import Article, Attribution, Event, Position, Proposal, Stance
from positions.parameters import AttributionsField
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


def _typed_name_changed(initial, data) -> bool:
    # The initial value is the slug the form showed; an unchanged row posts it back.
    return (initial or "").strip().casefold() != (data or "").strip().casefold()


class NamedRowField(forms.CharField):
    """A row typed by its slug or a name: usable with thousands of rows, with
    or without the suggestions the page script adds (``suggest``).

    One resolution for what is typed and what is suggested: an exact slug or
    name first; failing that, the one row the suggestions offer for the text
    (the ``search`` of the API list the script asks), so a name the page
    suggests is a name the page accepts.
    """

    model = None
    kind = ""
    # How a name is matched, said when none is found.
    matched_by = ""
    # At most this many candidates are named when a text is ambiguous.
    named_at_most = 5

    def __init__(self, *, suggest: str, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"data-suggest": suggest, "autocomplete": "off"}),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return value.slug if isinstance(value, self.model) else value

    def has_changed(self, initial, data):
        return _typed_name_changed(initial, data)

    def exact(self, name: str) -> list:
        raise NotImplementedError

    def suggested(self, name: str):
        """What the page suggests for ``name``: the same filter as the API's
        ``search`` with the kinds the input asks for."""
        raise NotImplementedError

    def matches(self, name: str) -> list:
        return self.exact(name) or list(
            self.suggested(name).order_by("slug")[: self.named_at_most + 1]
        )

    def clean(self, value):
        name = super().clean(value)
        if not name:
            return None
        matches = self.matches(name)
        if not matches:
            raise ValidationError(
                f"No {self.kind} is called “{name}”{self.matched_by}."
            )
        if len(matches) > 1:
            slugs = ", ".join(row.slug for row in matches[: self.named_at_most])
            if len(matches) > self.named_at_most:
                slugs += ", …"
            raise ValidationError(
                f"“{name}” names several {self.kind}s ({slugs}); type one of these."
            )
        return matches[0]


class NamedActorField(NamedRowField):
    """An actor by slug, name, short name or alias; failing those, the one
    actor of ``kinds`` whose name, short name or an alias contains the text."""

    model = Actor
    kind = "actor"
    matched_by = " (by name, short name or alias)"

    def __init__(self, *, kinds: list[str], **kwargs):
        self.kinds = kinds
        super().__init__(**kwargs)

    def exact(self, name: str) -> list:
        return list(Actor.objects.named(name))

    def suggested(self, name: str):
        return Actor.objects.filter(kind__in=self.kinds).search(name)


class NamedProposalField(NamedRowField):
    """A proposal by slug or title; failing those, the one proposal whose
    title or summary contains the text."""

    model = Proposal
    kind = "proposal"

    def exact(self, name: str) -> list:
        return list(
            Proposal.objects.filter(slug=name)
            or Proposal.objects.filter(title__iexact=name)[:2]
        )

    def suggested(self, name: str):
        return Proposal.objects.search(name)


class NamedEventField(NamedRowField):
    """An event by slug or title; failing those, the one event whose title,
    place or description contains the text."""

    model = Event
    kind = "event"

    def exact(self, name: str) -> list:
        return list(Event.objects.named(name)[:2])

    def suggested(self, name: str):
        return Event.objects.search(name)


SIDE_KINDS = [Actor.Kind.STATE, Actor.Kind.ORGANIZATION, Actor.Kind.GROUP]

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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


class ArticlePositionFormSet(BaseInlineFormSet):
    """The positions of one article, validated against it while it is edited."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # Lets each position be checked against the article's publication
        # date, also while the article itself is being added.
        form.instance.article = self.instance
        return form

    def clean(self):
        super().clean()
        # Each form checks uniqueness against saved rows only: of two identical
        # new positions, the second would fail in the service, too late for a
        # message on the page.
        seen = set()
        for form in self.forms:
            if form.errors or not form.cleaned_data or self._should_delete_form(form):
                continue
            data = form.cleaned_data
            identity = tuple(
                data.get(field)
                for field in ("actor", "proposal", "speaker", "stated_on")
            )
            if identity in seen:
                raise ValidationError(
                    "Two of these positions are the same: same side, proposal, "
                    "speaker and date. Keep one of them."
                )
            seen.add(identity)

    def changes(self) -> dict:
        """What to save, for ``article_save_with_positions``."""
        created, changed, deleted = [], [], []
        for form in self.forms:
            position = form.instance
            if position.pk and self._should_delete_form(form):
                deleted.append((position.pk, form.cleaned_data.get("version")))
            elif position.pk and form.has_changed():
                changed.append(
                    (position.pk, form.cleaned_data["version"], form.editable_data())
                )
            elif (
                not position.pk
                and form.has_changed()
                and not self._should_delete_form(form)
            ):
                created.append(form.editable_data())
        return {"created": created, "changed": changed, "deleted": deleted}


WebArticlePositionFormSet = inlineformset_factory(
    Article,
    Position,
    form=WebPositionForm,
    formset=ArticlePositionFormSet,
    extra=1,
    can_delete=True,
)


class ArticleForm(forms.ModelForm):
    # When the article was loaded: saving over a newer edit is refused.
    loaded_at = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = [
            "url",
            "title",
            "outlet",
            "authors",
            "published_on",
            "language",
            "summary",
            "body",
        ]
        labels = {
            "url": "Address (URL)",
            "published_on": "Published on",
            "authors": "Authors",
        }
        widgets = {
            "published_on": forms.DateInput(attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_at"].initial = self.instance.updated_at.isoformat()


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
        Actor.objects.none(), to_field_name="slug", required=False
    )
    b = forms.ModelChoiceField(
        Actor.objects.none(), to_field_name="slug", required=False
    )
    attribution = AttributionChoice()

    def __init__(self, data, *, negotiation, **kwargs):
        super().__init__(data, **kwargs)
        for name in ("a", "b"):
            self.fields[name].queryset = negotiation.participants.all()


class SearchForm(forms.Form):
    """The search box. A NUL or an overlong query is an error shown on the page."""

    q = forms.CharField(required=False, max_length=200, label="Search")


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


class PeriodOptions(forms.Form):
    """The actor page's period for the flip-o-meter; both dates optional."""

    since = forms.DateField(
        required=False, label="Since", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="Until", widget=forms.DateInput(attrs={"type": "date"})
    )
    attribution = AttributionChoice()

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since is not None and until is not None and since > until:
            self.add_error("since", "Choose a date on or before the second one.")
        return data


class ProposalOptions(forms.Form):
    """The proposal page's chart: whose positions, one line per side or per
    speaker."""

    attribution = AttributionChoice()
    by = forms.ChoiceField(
        choices=[("", "one line per side"), ("speaker", "one line per speaker")],
        required=False,
        label="Lines",
    )
