"""Inputs that take a row by its slug or a name, as typed or suggested."""

from django import forms
from django.core.exceptions import ValidationError

from actors.models import Actor
from positions.models import Event, Negotiation, Proposal


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
                f"No {self.kind} is called “{name}”{self.matched_by}.",
                code="unknown_name",
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


class NamedNegotiationField(NamedRowField):
    """A negotiation by slug or title; failing those, the one negotiation
    whose title or description contains the text."""

    model = Negotiation
    kind = "negotiation"

    def exact(self, name: str) -> list:
        return list(
            self.model.objects.filter(slug=name)
            or self.model.objects.filter(title__iexact=name)[:2]
        )

    def suggested(self, name: str):
        return self.model.objects.search(name)


def page_filter_fields() -> dict[str, NamedRowField]:
    """The inputs of the pages' filters that name rows, resolved as the
    entry form resolves them."""
    return {
        "actor": NamedActorField(
            kinds=[*SIDE_KINDS, Actor.Kind.PERSON], suggest="actors"
        ),
        "proposal": NamedProposalField(suggest="proposals"),
        "negotiation": NamedNegotiationField(suggest="negotiations"),
    }


def names_to_slugs(query, fields: dict[str, NamedRowField]):
    """``query`` (a QueryDict) with each value of ``fields`` that names one
    row replaced by its slug, and the errors of those that name none or
    several, by parameter: the pages' filters take what the entry form takes
    (names, short names, aliases), the API parameters they feed take slugs."""
    resolved = query.copy()
    errors: dict[str, list[str]] = {}
    for name, field in fields.items():
        slugs = []
        for value in query.getlist(name):
            try:
                row = field.clean(value)
            except ValidationError as error:
                errors.setdefault(name, []).extend(error.messages)
                slugs.append(value)
            else:
                slugs.append(row.slug if row is not None else value)
        if slugs:
            resolved.setlist(name, slugs)
    return resolved, errors
