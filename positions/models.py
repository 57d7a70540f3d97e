import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from actors.models import Actor
from actors.slugs import SlugFromNameMixin
from config.lib import limits

# Statements are dated where they happened and articles where the outlet
# published; time zones make the two differ by up to a day.
PUBLICATION_SLACK = datetime.timedelta(days=1)

_TRACKING_PARAMETERS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid")


def normalize_article_url(url: str) -> str:
    """The canonical form under which an article's address must be unique.

    Scheme and host are case-insensitive, the fragment never names another
    page, and tracking parameters differ between shares of the same article.
    """
    parts = urlsplit(url.strip())
    host = parts.netloc.lower()
    if parts.scheme.lower() == "http" and host.endswith(":80"):
        host = host[:-3]
    if parts.scheme.lower() == "https" and host.endswith(":443"):
        host = host[:-4]
    query = urlencode(
        [
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if not key.lower().startswith(_TRACKING_PARAMETERS)
        ]
    )
    path = parts.path
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), host, path or "/", query, ""))


class Stance(models.IntegerChoices):
    STRONGLY_SUPPORTS = 2, "demands / strongly supports"
    SUPPORTS = 1, "supports / open to"
    NEUTRAL = 0, "neutral / ambiguous"
    OPPOSES = -1, "opposes / sceptical"
    STRONGLY_OPPOSES = -2, "rejects outright"


class Confidence(models.IntegerChoices):
    # Stored as integers (not text) so that ORDER BY confidence means
    # low < medium < high: it breaks ties between same-day positions.
    LOW = 1, "low"
    MEDIUM = 2, "medium"
    HIGH = 3, "high"


# How confidence is written outside the database (the API, CSV, import).
CONFIDENCE_KEYS = tuple(Confidence.labels)


class NegotiationQuerySet(models.QuerySet):
    def search(self, query: str) -> "NegotiationQuerySet":
        return self.filter(Q(title__icontains=query) | Q(description__icontains=query))


class Negotiation(SlugFromNameMixin, models.Model):
    slug_source = "title"

    title = models.CharField(
        max_length=200, unique=True, help_text="Name of the negotiation track."
    )
    slug = models.SlugField(
        max_length=100,
        unique=True,
        blank=True,
        help_text="Key used in web and API addresses; derived from the title when left empty.",
    )
    description = models.TextField(
        blank=True,
        help_text="What is being negotiated.",
        **limits.text_limit(limits.DESCRIPTION),
    )
    participants = models.ManyToManyField(
        Actor,
        related_name="negotiations",
        blank=True,
        help_text="The sides at the table; they make the rows of the stance matrix.",
    )
    started_on = models.DateField(
        null=True, blank=True, help_text="When the track began."
    )
    ended_on = models.DateField(
        null=True, blank=True, help_text="When it ended; empty while ongoing."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[participants])
    objects = NegotiationQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="positions_negotiation_end_after_start",
                violation_error_message="A negotiation cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProposalQuerySet(models.QuerySet):
    def search(self, query: str) -> "ProposalQuerySet":
        return self.filter(Q(title__icontains=query) | Q(summary__icontains=query))


class Proposal(SlugFromNameMixin, models.Model):
    slug_source = "title"

    negotiation = models.ForeignKey(
        Negotiation,
        on_delete=models.PROTECT,
        related_name="proposals",
        help_text="The negotiation in which this proposal is on the table.",
    )
    title = models.CharField(max_length=200, help_text="Short name, e.g. “Big deal”.")
    slug = models.SlugField(
        max_length=100,
        unique=True,
        blank=True,
        help_text="Key used in web and API addresses; derived from the title when left empty.",
    )
    summary = models.TextField(
        blank=True,
        help_text="What the proposal would do.",
        **limits.text_limit(limits.SUMMARY),
    )
    originated_by = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="originated_proposals",
        help_text="Who first put it forward, if known.",
    )
    first_put_forward_on = models.DateField(
        null=True, blank=True, help_text="When it was first put forward, if known."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["negotiation", "title"],
                name="positions_proposal_unique_title_per_negotiation",
                violation_error_message="This negotiation already has a proposal with this title.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ArticleQuerySet(models.QuerySet):
    def by_url(self, url: str) -> "ArticleQuerySet":
        """The article at ``url``, matched in its normalised form."""
        return self.filter(url=normalize_article_url(url))

    def search(self, query: str) -> "ArticleQuerySet":
        return self.filter(
            Q(title__icontains=query)
            | Q(summary__icontains=query)
            | Q(body__icontains=query)
        )

    def with_position_count(self) -> "ArticleQuerySet":
        # A subquery, not a join: counted for the rows of one page only, and
        # not multiplied by filters that join positions themselves.
        counts = (
            Position.objects.filter(article=OuterRef("pk"))
            .order_by()
            .values("article")
            .annotate(count=Count("id"))
            .values("count")
        )
        return self.annotate(position_count=Coalesce(Subquery(counts), 0))

    def newest_first(self) -> "ArticleQuerySet":
        """With their position counts, latest published first: the order of
        every article list (the API, the web list, the home page)."""
        return self.with_position_count().order_by("-published_on", "-id")


class Article(models.Model):
    url = models.URLField(
        max_length=1000,
        unique=True,
        # Only web addresses: a javascript: or data: URL must never become a link.
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Address of the article on the web; stored in a normalised form "
        "(lower-case host, no fragment, no tracking parameters).",
    )
    title = models.CharField(max_length=500, help_text="Headline as published.")
    outlet = models.CharField(
        max_length=200, help_text="Publication, e.g. “The Korea Herald”."
    )
    authors = models.CharField(
        max_length=500, blank=True, help_text="Bylines, comma-separated."
    )
    published_on = models.DateField(
        help_text="Date printed by the outlet (its own time zone)."
    )
    language = models.CharField(
        max_length=20, default="en", help_text="Language code, e.g. “en”, “ko”."
    )
    summary = models.TextField(
        blank=True,
        help_text="Your own short summary.",
        **limits.text_limit(limits.SUMMARY),
    )
    body = models.TextField(
        blank=True,
        help_text="Full text, if you may store it; used by search.",
        **limits.text_limit(limits.ARTICLE_BODY),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-id"]
        indexes = [
            # Serves the articles list: newest first, filtered by outlet.
            models.Index(
                fields=["outlet", "published_on"], name="positions_art_outlet_pub_idx"
            ),
            models.Index(fields=["published_on"], name="positions_art_published_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.outlet}, {self.published_on}: {self.title}"

    def save(self, *args, **kwargs):
        self.url = normalize_article_url(self.url)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.url:
            self.url = normalize_article_url(self.url)


class PositionQuerySet(models.QuerySet):
    def search(self, query: str) -> "PositionQuerySet":
        return self.filter(Q(quote__icontains=query) | Q(note__icontains=query))

    def in_timeline_order(self) -> "PositionQuerySet":
        return self.order_by("actor_id", "proposal_id", "stated_on", "id")


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
        help_text="Verbatim from the article.",
        **limits.text_limit(limits.QUOTE),
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

    history = HistoricalRecords()
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
        ]

    def __str__(self) -> str:
        return (
            f"{self.actor} on {self.proposal}: {self.stance_label} ({self.stated_on})"
        )

    @property
    def stance_label(self) -> str:
        return Stance(self.stance).label

    @property
    def confidence_key(self) -> str:
        return Confidence(self.confidence).label

    def clean(self) -> None:
        errors = {}
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

    def _cached_or_loaded(self, relation: str):
        # An inline form validates its positions against an article that is
        # not saved yet: it is set on the instance, but has no id.
        field = self._meta.get_field(relation)
        if field.is_cached(self):
            return field.get_cached_value(self)
        if getattr(self, field.attname) is None:
            return None
        return getattr(self, relation)
