import django_filters
from django import forms

from actors.models import Actor
from config.lib.filtering import (
    SYNC_ORDERINGS,
    IdsFilter,
    OrderedPeriod,
    RepeatableCharFilter,
    SlugsFilter,
    StrictFilterSet,
    SyncFilterSet,
)
from positions.models import (
    Article,
    Attribution,
    Confidence,
    Event,
    EventKind,
    Negotiation,
    Position,
    Proposal,
    QuoteCheck,
    Release,
    Stance,
)
from positions.selectors.as_of import positions_read
from positions.selectors.resources import negotiation_ids_with_participants

CONFIDENCE_KEYS = [(choice.label, choice.label) for choice in Confidence]
ORDERINGS = {
    "stated_on": ("stated_on", "id"),
    "-stated_on": ("-stated_on", "-id"),
    **SYNC_ORDERINGS,
}


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class ProposalFilter(SyncFilterSet):
    negotiation = SlugsFilter(queryset=Negotiation.objects.all())
    originated_by = SlugsFilter(queryset=Actor.objects.all())
    search = django_filters.CharFilter(
        method="filter_search", help_text="Title or summary contains this."
    )

    class Meta:
        model = Proposal
        fields = ["negotiation", "originated_by", "search"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)


class NegotiationFilter(SyncFilterSet):
    participant = SlugsFilter(
        field_name="participants",
        queryset=Actor.objects.all(),
        method="filter_participant",
    )
    search = django_filters.CharFilter(
        method="filter_search", help_text="Title or description contains this."
    )

    class Meta:
        model = Negotiation
        fields = ["participant", "search"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_participant(self, queryset, name, value):
        # Participants as the request reads them (live, or as of a past data
        # version): an IN subquery, which repeats no negotiation.
        return queryset.filter(
            id__in=negotiation_ids_with_participants(actors=list(value))
        )


class PublishedPeriodForm(OrderedPeriod, forms.Form):
    period = ("published_after", "published_before")


class StartsPeriodForm(OrderedPeriod, forms.Form):
    period = ("starts_after", "starts_before")


class StatedPeriodForm(OrderedPeriod, forms.Form):
    period = ("stated_after", "stated_before")


class ArticleFilter(SyncFilterSet):
    outlet = RepeatableCharFilter(help_text="Exact outlet name (repeat for OR).")
    published_after = django_filters.DateFilter(
        field_name="published_on",
        lookup_expr="gte",
        label="Published from",
        help_text="Inclusive; on or before published_before.",
    )
    published_before = django_filters.DateFilter(
        field_name="published_on",
        lookup_expr="lte",
        label="Published to",
        help_text="Inclusive.",
    )
    actor = SlugsFilter(
        field_name="positions__actor",
        queryset=Actor.objects.all(),
        method="filter_by_positions",
        help_text="Articles with a position of this actor (repeat for OR).",
    )
    proposal = SlugsFilter(
        field_name="positions__proposal",
        queryset=Proposal.objects.all(),
        method="filter_by_positions",
        help_text="Articles with a position on this proposal (repeat for OR).",
    )
    search = django_filters.CharFilter(
        method="filter_search", help_text="Title, summary or body contains this."
    )

    class Meta:
        model = Article
        form = PublishedPeriodForm
        fields = [
            "outlet",
            "published_after",
            "published_before",
            "actor",
            "proposal",
            "search",
        ]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_by_positions(self, queryset, name, value):
        # Positions as the request reads them (live, or as of a past data
        # version): an IN subquery, which repeats no article.
        # ``name`` is the field_name, "positions__actor" or "positions__proposal".
        cited = positions_read().filter(**{f"{name.split('__')[1]}__in": value})
        return queryset.filter(id__in=cited.values("article_id"))


class EventFilter(SyncFilterSet):
    negotiation = SlugsFilter(
        queryset=Negotiation.objects.all(), help_text="Repeat for OR."
    )
    kind = django_filters.MultipleChoiceFilter(
        choices=EventKind.choices, help_text="Repeat for OR."
    )
    starts_after = django_filters.DateFilter(
        field_name="starts_on",
        lookup_expr="gte",
        label="Starts from",
        help_text="Inclusive; on or before starts_before.",
    )
    starts_before = django_filters.DateFilter(
        field_name="starts_on",
        lookup_expr="lte",
        label="Starts to",
        help_text="Inclusive.",
    )
    search = django_filters.CharFilter(
        method="filter_search", help_text="Title, place or description contains this."
    )

    class Meta:
        model = Event
        form = StartsPeriodForm
        fields = ["negotiation", "kind", "starts_after", "starts_before", "search"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)


class PositionFilter(SyncFilterSet):
    actor = SlugsFilter(queryset=Actor.objects.all())
    proposal = SlugsFilter(queryset=Proposal.objects.all())
    negotiation = SlugsFilter(
        field_name="proposal__negotiation", queryset=Negotiation.objects.all()
    )
    speaker = SlugsFilter(queryset=Actor.objects.all())
    article = IdsFilter(queryset=Article.objects.all())
    outlet = RepeatableCharFilter(
        field_name="article__outlet", help_text="Exact outlet name (repeat for OR)."
    )
    stance = django_filters.MultipleChoiceFilter(choices=Stance.choices)
    stance_min = IntegerFilter(
        field_name="stance", lookup_expr="gte", min_value=-2, max_value=2
    )
    stance_max = IntegerFilter(
        field_name="stance", lookup_expr="lte", min_value=-2, max_value=2
    )
    stated_after = django_filters.DateFilter(
        field_name="stated_on",
        lookup_expr="gte",
        label="Stated from",
        help_text="Inclusive; on or before stated_before.",
    )
    stated_before = django_filters.DateFilter(
        field_name="stated_on",
        lookup_expr="lte",
        label="Stated to",
        help_text="Inclusive.",
    )
    confidence = django_filters.MultipleChoiceFilter(
        choices=CONFIDENCE_KEYS, method="filter_confidence"
    )
    event = SlugsFilter(
        queryset=Event.objects.all(), help_text="Stated at this event (repeat for OR)."
    )
    attribution = django_filters.MultipleChoiceFilter(
        choices=Attribution.choices,
        help_text="How the stance is known (repeat for OR): `stated` alone asks what "
        "each side said itself.",
    )
    # ``true`` or ``false`` strictly: a BooleanFilter drops any other value
    # and would answer with every position.
    conditional = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_conditional",
        help_text="`true`: only positions with a condition; `false`: only "
        "unconditional ones.",
    )
    quote_check = django_filters.MultipleChoiceFilter(
        choices=QuoteCheck.choices,
        help_text="The outcome of checking the quote against the article's text "
        "(repeat for OR).",
    )
    search = django_filters.CharFilter(
        method="filter_search",
        help_text="Quote (translated or original) or note contains this.",
    )
    ordering = django_filters.ChoiceFilter(
        choices=[(key, key) for key in ORDERINGS],
        method="filter_ordering",
        empty_label=None,
        help_text="`stated_on` (default), `-stated_on`, `updated_at` or "
        "`-updated_at`; ties by id.",
    )
    ordering_choices = ORDERINGS

    class Meta:
        model = Position
        form = StatedPeriodForm
        fields = []

    def filter_confidence(self, queryset, name, value):
        return queryset.filter(
            confidence__in=[Confidence[key.upper()] for key in value]
        )

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_conditional(self, queryset, name, value):
        return queryset.conditional(value == "true")


class ReleaseFilter(StrictFilterSet):
    """No filters: a list of releases is short. Unknown parameters are still
    refused."""

    class Meta:
        model = Release
        fields = []
