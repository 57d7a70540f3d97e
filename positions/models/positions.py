"""Positions: one stance observation of a side on a proposal, per a source."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_update_with_history

from actors.models import Actor, Affiliation
from config.lib import limits
from config.lib.versions import VersionedHistoricalQuerySet, versioned_history
from positions.models.articles import PUBLICATION_SLACK, Article
from positions.models.choices import Attribution, Confidence, QuoteCheck, Stance
from positions.models.negotiations import Event, Proposal
from positions.quote_check import check_quote

_LEADING_IF = re.compile(r"^\s*(only\s+)?if\b[\s,:]*", re.IGNORECASE)


def condition_clause(condition: str) -> str:
    """A condition without the "if" or "only if" it may begin with, for
    writing after one: "if the US takes corresponding measures" → "the US
    takes corresponding measures"."""
    return _LEADING_IF.sub("", condition or "", count=1).strip()


QUOTE_CHECK_FIELDS = (
    "quote_check",
    "quote_check_start",
    "quote_check_end",
    "quote_check_score",
)


class PositionQuerySet(models.QuerySet):
    def search(self, query: str) -> "PositionQuerySet":
        return self.filter(
            Q(quote__icontains=query)
            | Q(quote_original__icontains=query)
            | Q(note__icontains=query)
        )

    def conditional(self, has_condition: bool = True) -> "PositionQuerySet":
        return (
            self.exclude(condition="") if has_condition else self.filter(condition="")
        )

    def in_timeline_order(self) -> "PositionQuerySet":
        return self.order_by("actor_id", "proposal_id", "stated_on", "id")

    def recheck_quotes(self, body: str, *, by=None) -> int:
        """Check these positions' quotes against ``body`` (their article's new
        text) again; each changed outcome is a change in history, by ``by``."""
        changed = [position for position in self if position.apply_quote_check(body)]
        if changed:
            bulk_update_with_history(
                changed,
                self.model,
                list(QUOTE_CHECK_FIELDS),
                batch_size=500,
                default_user=by,
            )
        return len(changed)


class HistoricalPositionQuerySet(VersionedHistoricalQuerySet, PositionQuerySet):
    """Recorded versions of positions, filtered as live ones are: a read as
    of a past data version chains the same methods."""


class Position(models.Model):
    actor = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="positions",
        help_text="The side holding the stance: a state, organization or group, never a "
        "person. Leave empty to take the speaker's affiliation on the stated date.",
    )
    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.PROTECT,
        related_name="positions",
        help_text="What the stance is about.",
    )
    stance = models.SmallIntegerField(
        choices=Stance.choices, help_text="From −2 (rejects outright) to +2 (demands)."
    )
    stated_on = models.DateField(
        help_text="When the stance was expressed or observed; may be earlier than the "
        "article, at most one day later (time zones)."
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.PROTECT,
        related_name="positions",
        help_text="The source reporting this stance. No stance without a source.",
    )
    speaker = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="spoken_positions",
        help_text="The person who said it, if a person did.",
    )
    quote = models.TextField(
        blank=True,
        help_text="Verbatim from the article (in translation, if it is one).",
        **limits.text_limit(limits.QUOTE),
    )
    quote_original = models.TextField(
        blank=True,
        help_text="The quote in the language it was said in, if the article gives it.",
        **limits.text_limit(limits.QUOTE),
    )
    quote_language = models.CharField(
        max_length=20,
        blank=True,
        help_text="Language code of the original quote, e.g. “ko”.",
    )
    quote_check = models.CharField(
        max_length=10,
        choices=QuoteCheck.choices,
        default=QuoteCheck.NO_TEXT,
        editable=False,
        help_text="Whether the quote is found in the article's stored text.",
    )
    quote_check_start = models.PositiveIntegerField(null=True, editable=False)
    quote_check_end = models.PositiveIntegerField(null=True, editable=False)
    quote_check_score = models.FloatField(
        null=True,
        editable=False,
        help_text="How close the best match is, 0–100 (100: verbatim).",
    )
    event = models.ForeignKey(
        Event,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="positions",
        help_text="The event at which the stance was stated, if any.",
    )
    attribution = models.CharField(
        max_length=12,
        choices=Attribution.choices,
        blank=True,
        help_text="How the stance is known. Left empty: “stated” when the speaker was "
        "affiliated with the side that day, otherwise “reported”.",
    )
    condition = models.TextField(
        blank=True,
        help_text="What the stance depends on, e.g. “if the US takes corresponding "
        "measures”; empty when it is unconditional.",
        **limits.text_limit(limits.NOTE),
    )
    condition_proposal = models.ForeignKey(
        Proposal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conditioned_positions",
        help_text="The proposal the condition depends on, if one.",
    )
    condition_event = models.ForeignKey(
        Event,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conditioned_positions",
        help_text="The event the condition depends on, if one.",
    )
    note = models.TextField(
        blank=True,
        help_text="Your paraphrase or reasoning for the stance coding.",
        **limits.text_limit(limits.NOTE),
    )
    confidence = models.PositiveSmallIntegerField(
        choices=Confidence.choices,
        default=Confidence.MEDIUM,
        help_text="How sure the coding is; on a day with several positions the most "
        "confident one stands for the day.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every save; an edit based on an older version is refused.",
    )
    # Not auto_now_add: a restored position keeps the time it was first recorded.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        **versioned_history(historical_queryset=HistoricalPositionQuerySet)
    )
    objects = PositionQuerySet.as_manager()

    class Meta:
        ordering = ["stated_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stance__gte=-2) & Q(stance__lte=2),
                name="positions_position_stance_range",
                violation_error_message="Stance must be between −2 and 2.",
            ),
            models.CheckConstraint(
                condition=Q(attribution__in=Attribution.values),
                name="positions_position_attribution_known",
                violation_error_message="Unknown attribution.",
            ),
            models.CheckConstraint(
                condition=Q(
                    condition_proposal__isnull=True, condition_event__isnull=True
                )
                | ~Q(condition=""),
                name="positions_position_condition_has_text",
                violation_error_message="Say what the condition is, not only what it "
                "depends on.",
            ),
            models.CheckConstraint(
                condition=Q(quote_original="") | ~Q(quote_language=""),
                name="positions_position_original_has_language",
                violation_error_message="Give the language of the original quote.",
            ),
            models.CheckConstraint(
                condition=Q(quote_check__in=QuoteCheck.values)
                & (
                    Q(quote_check_start__isnull=True, quote_check_end__isnull=True)
                    | Q(quote_check_end__gt=models.F("quote_check_start"))
                ),
                name="positions_position_quote_check_span",
                violation_error_message="A quote check's span must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(confidence__in=Confidence.values),
                name="positions_position_confidence_known",
                violation_error_message="Confidence must be low, medium or high.",
            ),
            # Two partial constraints instead of nulls_distinct=False, which
            # SQLite silently ignores: speaker may be NULL.
            models.UniqueConstraint(
                fields=["actor", "proposal", "article", "speaker", "stated_on"],
                condition=Q(speaker__isnull=False),
                name="positions_position_no_exact_duplicate",
                violation_error_message="This article already has this position: same "
                "side, proposal, speaker and date.",
            ),
            models.UniqueConstraint(
                fields=["actor", "proposal", "article", "stated_on"],
                condition=Q(speaker__isnull=True),
                name="positions_position_no_exact_duplicate_unspoken",
                violation_error_message="This article already has this position: same "
                "side, proposal and date, with no speaker.",
            ),
        ]
        indexes = [
            # Serves the per-pair windows of the timeline, resolved days, as-of
            # and changes when filtered by actor: partition (actor, proposal),
            # order by (stated_on, confidence, id).
            models.Index(
                fields=["actor", "proposal", "stated_on", "confidence", "id"],
                name="positions_pos_actor_pair_idx",
            ),
            # The same windows filtered by proposal (a proposal page, the
            # as-of stance of every actor on one proposal).
            models.Index(
                fields=["proposal", "actor", "stated_on", "confidence", "id"],
                name="positions_pos_prop_pair_idx",
            ),
            # Positions of one actor in a date range, in list order.
            models.Index(
                fields=["actor", "stated_on", "id"], name="positions_pos_actor_day_idx"
            ),
            # One proposal's positions by date: its page, ?proposal= lists.
            models.Index(
                fields=["proposal", "stated_on", "id"],
                name="positions_pos_prop_day_idx",
            ),
            # The positions list in its default order.
            models.Index(fields=["stated_on", "id"], name="positions_pos_day_idx"),
            # What each side said at an event (its page, ?event=).
            models.Index(
                fields=["event", "stated_on", "id"], name="positions_pos_event_idx"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.actor} on {self.proposal}: {self.stance_label} ({self.stated_on})"
        )

    def save(self, *args, **kwargs):
        if not self.attribution:
            self.attribution = self.default_attribution()
        # Checked again only when the quote or its article changed: a body
        # can be 200,000 characters, and a stance edit leaves the check as
        # it was (a changed body re-checks its positions itself).
        if getattr(self, "_checked_against", None) != (self.quote, self.article_id):
            article = self._cached_or_loaded("article")
            self.apply_quote_check(article.body if article is not None else "")
        super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        position = super().from_db(db, field_names, values, **kwargs)
        if "quote" in position.__dict__ and "article_id" in position.__dict__:
            position._checked_against = (position.quote, position.article_id)
        return position

    @property
    def stance_label(self) -> str:
        return Stance(self.stance).label

    @property
    def confidence_key(self) -> str:
        return Confidence(self.confidence).label

    def clean(self) -> None:
        errors = {}
        if not self.attribution:
            self.attribution = self.default_attribution()
        if self.actor_id and self.actor.kind == Actor.Kind.PERSON:
            errors["actor"] = (
                f"{self.actor} is a person, and a person is never a side. Choose the "
                "state or organization they speak for, or leave the side empty to take "
                "the speaker's affiliation on that date."
            )
        if self.speaker_id and self.speaker.kind != Actor.Kind.PERSON:
            errors["speaker"] = (
                f"{self.speaker} is not a person; the speaker is the person who said it."
            )
        if self.speaker_id is None and self.attribution == Attribution.STATED:
            errors["attribution"] = (
                "“Stated” needs the person who said it: name the speaker, or choose "
                "“reported” for the outlet's own characterisation."
            )
        if (self.condition_proposal_id or self.condition_event_id) and not (
            self.condition or ""
        ).strip():
            errors["condition"] = (
                "Say what the condition is, not only what it depends on."
            )
        if self.quote_original and not self.quote_language:
            errors["quote_language"] = "Give the language of the original quote."
        if self.quote_language and not self.quote_original:
            errors["quote_original"] = (
                "A language without the original quote says nothing: give the "
                "original text or leave the language empty."
            )
        event = self._cached_or_loaded("event")
        proposal = self._cached_or_loaded("proposal")
        if (
            event is not None
            and proposal is not None
            and event.negotiation_id != proposal.negotiation_id
        ):
            errors["event"] = (
                f"{event} belongs to another negotiation than the proposal {proposal}."
            )
        article = self._cached_or_loaded("article")
        if article is not None and article.published_on and self.stated_on:
            latest = article.published_on + PUBLICATION_SLACK
            if self.stated_on > latest:
                errors["stated_on"] = (
                    f"Stated on {self.stated_on} is after the article was published "
                    f"({article.published_on}). A stance may be dated at most one "
                    "day after its source (for time zones)."
                )
        if errors:
            raise ValidationError(errors)

    def default_attribution(self, affiliated=None) -> str:
        """``stated`` when the speaker was affiliated with the side on the
        stated date, otherwise ``reported``. ``affiliated(person_id,
        organization_id, on)`` answers from preloaded affiliations."""
        if self.speaker_id is None or self.actor_id is None or self.stated_on is None:
            return Attribution.REPORTED
        if affiliated is None:
            speaks_for_side = (
                Affiliation.objects.on(self.stated_on)
                .filter(person_id=self.speaker_id, organization_id=self.actor_id)
                .exists()
            )
        else:
            speaks_for_side = affiliated(self.speaker_id, self.actor_id, self.stated_on)
        return Attribution.STATED if speaks_for_side else Attribution.REPORTED

    def apply_quote_check(self, body: str) -> bool:
        """Check the quote against ``body``; True when the outcome changed."""
        before = [getattr(self, name) for name in QUOTE_CHECK_FIELDS]
        result = check_quote(self.quote or "", body or "")
        self.quote_check = result.outcome
        self.quote_check_start = result.start
        self.quote_check_end = result.end
        self.quote_check_score = result.score
        self._checked_against = (self.quote, self.article_id)
        return [getattr(self, name) for name in QUOTE_CHECK_FIELDS] != before

    @property
    def quote_check_span(self) -> list[int] | None:
        if self.quote_check_start is None:
            return None
        return [self.quote_check_start, self.quote_check_end]

    def _cached_or_loaded(self, relation: str):
        # An inline form validates its positions against an article that is
        # not saved yet: it is set on the instance, but has no id.
        field = self._meta.get_field(relation)
        if field.is_cached(self):
            return field.get_cached_value(self)
        if getattr(self, field.attname) is None:
            return None
        return getattr(self, relation)
