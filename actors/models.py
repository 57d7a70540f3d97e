import datetime

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from actors.slugs import SlugFromNameMixin
from config.lib import limits
from config.lib.versions import VersionedHistoricalQuerySet, versioned_history


class UnicodeJSONEncoder(DjangoJSONEncoder):
    """Stores non-ASCII text as itself, so aliases in any script can be searched
    as text on SQLite too (the default escapes them as \\uXXXX)."""

    def __init__(self, *args, **kwargs):
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)


class ActorQuerySet(models.QuerySet):
    def search(self, query: str) -> "ActorQuerySet":
        """Actors whose name, short name or any alias contains ``query``."""
        query = query.strip()
        if not query:
            return self
        # icontains on the JSON list matches its text form on both databases,
        # so it finds a substring of any alias.
        return self.filter(
            Q(name__icontains=query)
            | Q(short_name__icontains=query)
            | Q(aliases__icontains=query)
        )

    def named(self, name: str) -> list["Actor"]:
        """Actors whose slug, name, short name or an alias is exactly ``name``
        (case-insensitive); usually one, several when a short name is shared."""
        name = name.strip()
        if not name:
            return []
        candidates = self.filter(
            Q(slug__iexact=name)
            | Q(name__iexact=name)
            | Q(short_name__iexact=name)
            | Q(aliases__icontains=name)
        )
        folded = name.casefold()
        return [
            actor
            for actor in candidates
            if folded
            in {
                actor.slug.casefold(),
                actor.name.casefold(),
                actor.short_name.casefold(),
                *(alias.casefold() for alias in actor.aliases),
            }
        ]

    def sides(self) -> "ActorQuerySet":
        """Actors that may hold a position as a side: everything but persons."""
        return self.exclude(kind=Actor.Kind.PERSON)

    def persons(self) -> "ActorQuerySet":
        return self.filter(kind=Actor.Kind.PERSON)


class HistoricalActorQuerySet(VersionedHistoricalQuerySet, ActorQuerySet):
    """Recorded versions of actors, searched as live ones are."""


class Actor(SlugFromNameMixin, models.Model):
    class Kind(models.TextChoices):
        STATE = "state", "State"
        PERSON = "person", "Person"
        ORGANIZATION = "organization", "Organization"
        GROUP = "group", "Group"

    name = models.CharField(
        max_length=200,
        unique=True,
        help_text="Full name as most sources write it, e.g. “United States” or “Mike Pompeo”.",
    )
    slug = models.SlugField(
        max_length=100,
        unique=True,
        blank=True,
        help_text="Key used in web and API addresses; derived from the name when left empty.",
    )
    short_name = models.CharField(
        max_length=50,
        blank=True,
        help_text="Short label for charts and tables, e.g. “US”, “DPRK”, “ROK”.",
    )
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        help_text="A person can be a speaker but never a side of a position.",
    )
    description = models.TextField(
        blank=True,
        help_text="Who this is, for readers.",
        **limits.text_limit(limits.DESCRIPTION),
    )
    aliases = models.JSONField(
        default=list,
        encoder=UnicodeJSONEncoder,
        blank=True,
        help_text="Other spellings and names (a list), used by search and CSV import, "
        "e.g. [“Choe Son-hui”, “Choe Son Hui”].",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        **versioned_history(historical_queryset=HistoricalActorQuerySet)
    )
    objects = ActorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        if not isinstance(self.aliases, list) or not all(
            isinstance(alias, str) for alias in self.aliases
        ):
            raise ValidationError({"aliases": "Aliases must be a list of names."})
        self.aliases = [alias.strip() for alias in self.aliases if alias.strip()]
        if len(self.aliases) > limits.ALIASES or any(
            len(alias) > limits.ALIAS for alias in self.aliases
        ):
            raise ValidationError(
                {
                    "aliases": f"At most {limits.ALIASES} aliases, each of at most "
                    f"{limits.ALIAS} characters."
                }
            )
        if self.pk:
            self._check_kind_fits_relations()

    def _check_kind_fits_relations(self) -> None:
        # Reverse accessors of positions.Position (actors never imports
        # positions) and of Affiliation; each row they reach would break a rule.
        if self.kind == self.Kind.PERSON:
            conflicts = {
                "positions": "it is the side of recorded positions",
                "members": "it has members (affiliations name it as organization)",
            }
        else:
            conflicts = {
                "spoken_positions": "it is the speaker of recorded positions",
                "affiliations": "it holds affiliations, which only persons do",
            }
        reasons = [
            reason
            for accessor, reason in conflicts.items()
            if getattr(self, accessor, None) is not None
            and getattr(self, accessor).exists()
        ]
        if reasons:
            raise ValidationError(
                {
                    "kind": f"Cannot make this actor a {self.get_kind_display().lower()}: "
                    + "; ".join(reasons)
                    + ". Re-attribute those first."
                }
            )


class AffiliationQuerySet(models.QuerySet):
    def on(self, day: datetime.date) -> "AffiliationQuerySet":
        """Affiliations in force on ``day``; both ends are inclusive, no end is open."""
        return self.filter(start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )


class Affiliation(models.Model):
    person = models.ForeignKey(
        Actor,
        on_delete=models.CASCADE,
        related_name="affiliations",
        help_text="The person holding the role.",
    )
    organization = models.ForeignKey(
        Actor,
        on_delete=models.CASCADE,
        related_name="members",
        help_text="The state, organization or group the person speaks for in this role.",
    )
    role = models.CharField(
        max_length=200, blank=True, help_text="E.g. “Secretary of State”."
    )
    start_date = models.DateField(help_text="First day in the role.")
    end_date = models.DateField(
        null=True, blank=True, help_text="Last day in the role; empty while current."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(**versioned_history())
    objects = AffiliationQuerySet.as_manager()

    class Meta:
        ordering = ["person__name", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="actors_affiliation_end_after_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
        ]
        indexes = [
            # Serves Affiliation.objects.on(day).filter(person=…): the side of a
            # position given only its speaker.
            models.Index(
                fields=["person", "start_date"], name="actors_affil_person_start_idx"
            ),
        ]

    def __str__(self) -> str:
        role = f"{self.role}, " if self.role else ""
        return f"{self.person} ({role}{self.organization})"

    @property
    def is_current(self) -> bool:
        return self.end_date is None or self.end_date >= datetime.date.today()

    def clean(self) -> None:
        errors = {}
        if self.person_id and self.person.kind != Actor.Kind.PERSON:
            errors["person"] = "Only a person can hold an affiliation."
        if self.organization_id and self.organization.kind == Actor.Kind.PERSON:
            errors["organization"] = (
                "A person cannot be the organization of an affiliation."
            )
        if errors:
            raise ValidationError(errors)
