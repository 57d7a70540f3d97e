"""Sources: the articles positions and events cite."""

import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from config.lib import limits
from config.lib.versions import VersionedHistoricalQuerySet, versioned_history

# Statements are dated where they happened and articles where the outlet
# published; time zones make the two differ by up to a day.
PUBLICATION_SLACK = datetime.timedelta(days=1)
FUTURE_PUBLICATION = (
    "An article cannot be published after {latest} (tomorrow, to allow for "
    "the outlet's time zone): check the year."
)

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


class ArticleQuerySet(models.QuerySet):
    def by_url(self, url: str) -> "ArticleQuerySet":
        """The article at ``url``, matched in its normalised form."""
        return self.filter(url_key=normalize_article_url(url))

    def search(self, query: str) -> "ArticleQuerySet":
        return self.filter(
            Q(title__icontains=query)
            | Q(summary__icontains=query)
            | Q(body__icontains=query)
        )

    def with_position_count(self) -> "ArticleQuerySet":
        # A subquery, not a join: counted for the rows of one page only, and
        # not multiplied by filters that join positions themselves.
        position_model = self.model._meta.get_field("positions").related_model
        counts = (
            position_model.objects.filter(article=OuterRef("pk"))
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


class HistoricalArticleQuerySet(VersionedHistoricalQuerySet, ArticleQuerySet):
    """Recorded versions of articles, searched as live ones are."""


DUPLICATE_ADDRESS = (
    "This article is already recorded: its address differs from this one only in "
    "the case of the host, a fragment or tracking parameters."
)
# The same, naming the article recorded (``params["article"]`` is its id).
DUPLICATE_ADDRESS_OF = (
    "This article is already recorded, as “{title}” ({outlet}, {published_on}) "
    "at {path}: its address differs from this one only in the case of the host, "
    "a fragment or tracking parameters."
)

# Errors about the address key are shown on the address itself.
UNIQUE_FIELD_SHOWN_AS = {"url_key": "url"}


class Article(models.Model):
    url = models.URLField(
        max_length=1000,
        # Only web addresses: a javascript: or data: URL must never become a link.
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Address of the article on the web, kept as given; two addresses "
        "that differ only in the case of the host, a fragment or tracking "
        "parameters name the same article.",
    )
    # Stored as given, the address is a link that works as found (some sites
    # need their odd query strings); the key makes it unique all the same.
    url_key = models.CharField(
        max_length=1000,
        unique=True,
        editable=False,
        help_text="The address in normalised form, under which it is unique.",
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
        help_text="Full text, if you may store it; used by search and to verify "
        "the quotes of its positions.",
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

    history = HistoricalRecords(
        **versioned_history(historical_queryset=HistoricalArticleQuerySet)
    )
    objects = ArticleQuerySet.as_manager()

    UNIQUE_FIELD_SHOWN_AS = UNIQUE_FIELD_SHOWN_AS

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
        self.url = self.url.strip()
        self.url_key = normalize_article_url(self.url)
        # Browsers send a textarea's lines ending in CRLF: stored one way, an
        # unchanged body stays unchanged, and quote offsets stay put.
        self.body = self.body.replace("\r\n", "\n")
        body_changed = (
            self.pk is not None
            and "body" in self.__dict__
            and getattr(self, "_loaded_body", None) != self.body
        )
        super().save(*args, **kwargs)
        self._loaded_body = self.body
        if body_changed:
            self.positions.recheck_quotes(
                self.body, by=getattr(self, "_history_user", None)
            )

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        article = super().from_db(db, field_names, values, **kwargs)
        # Saving a changed body re-checks the quotes of its positions.
        article._loaded_body = article.__dict__.get("body")
        return article

    def clean(self) -> None:
        if self.url:
            self.url = self.url.strip()
            self.url_key = normalize_article_url(self.url)
        # An outlet's date may be a day ahead of ours (its time zone); a
        # later one is a typo, and would top "Latest articles" for years.
        latest = timezone.localdate() + PUBLICATION_SLACK
        if self.published_on and self.published_on > latest:
            raise ValidationError(
                {
                    "published_on": ValidationError(
                        FUTURE_PUBLICATION.format(latest=latest), code="future"
                    )
                }
            )

    def validate_unique(self, exclude=None):
        # The key is not a form field, but a form's address must be checked
        # against it, and the error belongs to the address.
        exclude = set(exclude or ()) - {"url_key"}
        try:
            super().validate_unique(exclude=exclude)
        except ValidationError as error:
            # The errors themselves, not their texts: a duplicate address
            # carries the id of the article recorded.
            raise ValidationError(
                {
                    UNIQUE_FIELD_SHOWN_AS.get(field, field): errors
                    for field, errors in error.error_dict.items()
                }
            ) from None

    def unique_error_message(self, model_class, unique_check):
        if tuple(unique_check) == ("url_key",):
            recorded = (
                Article.objects.filter(url_key=self.url_key)
                .exclude(pk=self.pk)
                .only("title", "outlet", "published_on")
                .first()
            )
            if recorded is None:
                return ValidationError(DUPLICATE_ADDRESS, code="unique")
            # A message, not markup: the API sends it as text, and the entry
            # form links the recorded article by its id.
            return ValidationError(
                DUPLICATE_ADDRESS_OF.format(
                    title=recorded.title,
                    outlet=recorded.outlet,
                    published_on=recorded.published_on,
                    path=reverse("positions:article-detail", args=[recorded.pk]),
                ),
                code="unique",
                params={"article": recorded.pk},
            )
        return super().unique_error_message(model_class, unique_check)
