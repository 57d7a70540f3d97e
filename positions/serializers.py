from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actors.models import Actor
from config.lib.rest import KnownFieldsOnly, ValidatedModelSerializer
from positions.editors import editor_label
from positions.models import (
    CONFIDENCE_KEYS,
    Article,
    Attribution,
    Confidence,
    Event,
    Negotiation,
    Position,
    Proposal,
    QuoteCheck,
    Stance,
)
from positions.position_fields import FIELD_NAMES
from positions.quote_check import CLOSE_THRESHOLD
from positions.selectors import CHANGE_KINDS, RESOLUTIONS


class ConfidenceField(serializers.ChoiceField):
    """``"low"``, ``"medium"`` or ``"high"`` outside; a sortable integer inside."""

    def __init__(self, **kwargs):
        super().__init__(choices=list(CONFIDENCE_KEYS), **kwargs)

    def to_representation(self, value):
        return Confidence(value).label

    def to_internal_value(self, data):
        return Confidence[super().to_internal_value(data).upper()]


class NegotiationSerializer(ValidatedModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="negotiation-detail", lookup_field="slug"
    )
    participants = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Actor.objects.all(), required=False
    )

    class Meta:
        model = Negotiation
        fields = [
            "id",
            "slug",
            "title",
            "description",
            "participants",
            "started_on",
            "ended_on",
            "url",
        ]
        extra_kwargs = {"slug": {"required": False}}


class ArticleSerializer(ValidatedModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="article-detail")
    position_count = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id",
            "url",
            "api_url",
            "title",
            "outlet",
            "authors",
            "published_on",
            "language",
            "summary",
            "body",
            "position_count",
            "created_at",
        ]

    @extend_schema_field(serializers.IntegerField())
    def get_position_count(self, article) -> int:
        count = getattr(article, "position_count", None)
        return article.positions.count() if count is None else count

    def create(self, validated_data):
        user = self.context["request"].user
        if user.is_authenticated:
            validated_data["added_by"] = user
        return super().create(validated_data)


class PreloadedMixin:
    """A related field that first looks in the rows a bulk request loaded for
    all of its rows at once (``context["preloaded"][field name]``): one query
    per field instead of one per row and field. Anything not found there is
    resolved (and refused) as usual."""

    def to_internal_value(self, data):
        preloaded = self.context.get("preloaded", {}).get(self.field_name)
        if preloaded is not None and isinstance(data, str | int):
            found = preloaded.get(data)
            if found is not None:
                return found
        return super().to_internal_value(data)


class PreloadedSlugField(PreloadedMixin, serializers.SlugRelatedField):
    pass


class PreloadedIdField(PreloadedMixin, serializers.PrimaryKeyRelatedField):
    pass


class PositionSerializer(KnownFieldsOnly, serializers.ModelSerializer):
    """Shape only: the rules live in ``positions.services``, which the views call."""

    url = serializers.HyperlinkedIdentityField(view_name="position-detail")
    actor = PreloadedSlugField(
        slug_field="slug",
        queryset=Actor.objects.all(),
        required=False,
        help_text="The side. Leave out to take the speaker's affiliation on stated_on.",
    )
    proposal = PreloadedSlugField(slug_field="slug", queryset=Proposal.objects.all())
    article = PreloadedIdField(queryset=Article.objects.all())
    negotiation = serializers.SlugRelatedField(
        source="proposal.negotiation", slug_field="slug", read_only=True
    )
    speaker = PreloadedSlugField(
        slug_field="slug", queryset=Actor.objects.all(), required=False, allow_null=True
    )
    stance = serializers.ChoiceField(choices=Stance.choices)
    stance_label = serializers.CharField(read_only=True)
    confidence = ConfidenceField(required=False)
    event = PreloadedSlugField(
        slug_field="slug",
        queryset=Event.objects.all(),
        required=False,
        allow_null=True,
        help_text="The event at which the stance was stated.",
    )
    attribution = serializers.ChoiceField(
        choices=Attribution.choices,
        required=False,
        allow_blank=True,
        help_text="How the stance is known. Left out or empty: `stated` when the "
        "speaker was affiliated with the side on stated_on, otherwise `reported`.",
    )
    condition_proposal = PreloadedSlugField(
        slug_field="slug",
        queryset=Proposal.objects.all(),
        required=False,
        allow_null=True,
        help_text="The proposal the condition depends on.",
    )
    condition_event = PreloadedSlugField(
        slug_field="slug",
        queryset=Event.objects.all(),
        required=False,
        allow_null=True,
        help_text="The event the condition depends on.",
    )
    quote_check = serializers.ChoiceField(
        choices=QuoteCheck.choices,
        read_only=True,
        help_text="The quote checked against the article's body: `verbatim` (found "
        "once spaces, quote marks and dashes are written one way), `close` (a fuzzy "
        f"match scoring at least {CLOSE_THRESHOLD:g} of 100), `not_found`, or "
        "`no_text` (no quote, or no body to check against).",
    )
    quote_check_span = serializers.ListField(
        child=serializers.IntegerField(min_value=0),
        min_length=2,
        max_length=2,
        allow_null=True,
        read_only=True,
        help_text="`[start, end]`: where the quote (verbatim) or its closest "
        "passage (close) is in the article's body, in characters; null otherwise.",
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="On update: the version you edited. An older one than stored gets 409.",
    )

    class Meta:
        model = Position
        fields = list(FIELD_NAMES)
        # Exact duplicates are the service's to refuse, with its own message.
        validators = []


class StanceSerializer(serializers.Serializer):
    """An as-of stance of one (actor, proposal) pair."""

    actor = serializers.CharField(source="actor_slug")
    proposal = serializers.CharField(source="proposal_slug")
    stance = serializers.ChoiceField(choices=Stance.choices)
    stance_label = serializers.CharField()
    stated_on = serializers.DateField()
    position = serializers.IntegerField(source="position_id")
    disputed = serializers.BooleanField(
        help_text="Whether any two positions of that date disagree, at any confidence."
    )
    resolution = serializers.ChoiceField(
        choices=list(RESOLUTIONS),
        help_text="How the day was resolved among its highest-confidence positions: "
        "one position (`single`), all agreeing (`unanimous`), the stance most of them "
        "give (`plurality`) or a tie between stances, won by the most recently "
        "recorded (`tie`).",
    )
    day_stance_min = serializers.ChoiceField(
        choices=Stance.choices, help_text="The lowest stance of that date."
    )
    day_stance_max = serializers.ChoiceField(
        choices=Stance.choices, help_text="The highest stance of that date."
    )
    day_positions = serializers.IntegerField(
        help_text="How many positions the pair has on that date."
    )


class ChangeSerializer(serializers.Serializer):
    actor = serializers.CharField(source="actor_slug")
    proposal = serializers.CharField(source="proposal_slug")
    kind = serializers.ChoiceField(choices=list(CHANGE_KINDS))
    from_stance = serializers.ChoiceField(choices=Stance.choices, allow_null=True)
    to_stance = serializers.ChoiceField(choices=Stance.choices)
    from_position = serializers.IntegerField(source="from_position_id", allow_null=True)
    to_position = serializers.IntegerField(source="to_position_id")
    changed_on = serializers.DateField()
    disputed = serializers.BooleanField(
        help_text="Whether some position of the from-date or the to-date disagrees."
    )
    contested = serializers.BooleanField(
        help_text="Whether the from-date or the to-date was resolved by plurality "
        "or tie: its highest-confidence sources disagreed, so the change may be an "
        "artefact of coding rather than a move."
    )


class TimelinePointSerializer(serializers.Serializer):
    stated_on = serializers.DateField()
    stance = serializers.ChoiceField(choices=Stance.choices)
    position = serializers.IntegerField(source="id")


class TimelineSeriesSerializer(serializers.Serializer):
    actor = serializers.CharField(source="actor_slug")
    proposal = serializers.CharField(source="proposal_slug")
    points = TimelinePointSerializer(many=True)


class TimelineSpeakerSeriesSerializer(TimelineSeriesSerializer):
    speaker = serializers.CharField(
        source="speaker_slug",
        allow_null=True,
        # Not required in the schema: present only with by=speaker.
        required=False,
        help_text="With `by=speaker` only: who spoke (null: positions without "
        "a speaker).",
    )


class TimelineSerializer(serializers.Serializer):
    """A page of series; ``next`` continues with the following pairs."""

    count = serializers.IntegerField(
        required=False,
        help_text="With `?count=true` only: the number of (actor, proposal) "
        "pairs, the unit of `page_size`.",
    )
    series = TimelineSeriesSerializer(many=True)
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)


class TimelineBySpeakerSerializer(TimelineSerializer):
    """With ``by=speaker``: one series per (actor, proposal, speaker)."""

    series = TimelineSpeakerSeriesSerializer(many=True)


TIMELINE_CSV_HEADER = ["actor", "proposal", "stated_on", "stance", "position"]
TIMELINE_BY_SPEAKER_CSV_HEADER = [*TIMELINE_CSV_HEADER, "speaker"]


class GapTermSerializer(serializers.Serializer):
    proposal = serializers.CharField()
    a_stance = serializers.ChoiceField(choices=Stance.choices)
    b_stance = serializers.ChoiceField(choices=Stance.choices)
    a_stated_on = serializers.DateField()
    b_stated_on = serializers.DateField()
    a_position = serializers.IntegerField(
        help_text="The position standing for a's as-of stance."
    )
    b_position = serializers.IntegerField(
        help_text="The position standing for b's as-of stance."
    )


class GapPointSerializer(serializers.Serializer):
    date = serializers.DateField()
    gap = serializers.FloatField(allow_null=True)
    proposals = serializers.IntegerField()
    terms = GapTermSerializer(
        many=True, help_text="The proposals both sides have a stance on that date."
    )
    moved_a = serializers.FloatField(
        allow_null=True,
        help_text="a's contribution to the change of the gap since the previous "
        "point (negative: towards b), the Shapley split over the proposals shared "
        "then. Null on the first point and after a null gap.",
    )
    moved_b = serializers.FloatField(
        allow_null=True, help_text="b's contribution, as for `moved_a`."
    )
    composition = serializers.FloatField(
        allow_null=True,
        help_text="What proposals entering the shared set add to the change: "
        "moved_a + moved_b + composition is the change of the gap.",
    )
    changed = serializers.ListField(
        child=serializers.ChoiceField(choices=["a", "b"]),
        help_text="The sides that changed a stance on that date.",
    )


class GapSerializer(serializers.Serializer):
    a = serializers.CharField()
    b = serializers.CharField()
    points = GapPointSerializer(many=True)


class HistoricalPositionFieldsSerializer(serializers.Serializer):
    """A position's editable fields as one recorded version held them."""

    actor = serializers.CharField(source="actor.slug", allow_null=True, read_only=True)
    proposal = serializers.CharField(
        source="proposal.slug", allow_null=True, read_only=True
    )
    stance = serializers.IntegerField()
    stated_on = serializers.DateField()
    article = serializers.IntegerField(source="article_id")
    speaker = serializers.CharField(
        source="speaker.slug", allow_null=True, read_only=True
    )
    quote = serializers.CharField()
    note = serializers.CharField()
    confidence = ConfidenceField()
    event = serializers.CharField(source="event.slug", allow_null=True, read_only=True)
    attribution = serializers.CharField()
    condition = serializers.CharField()
    condition_proposal = serializers.CharField(
        source="condition_proposal.slug", allow_null=True, read_only=True
    )
    condition_event = serializers.CharField(
        source="condition_event.slug", allow_null=True, read_only=True
    )
    quote_original = serializers.CharField()
    quote_language = serializers.CharField()
    quote_check = serializers.CharField()


class PositionVersionSerializer(serializers.Serializer):
    """One recorded version of a position (a django-simple-history record)."""

    CHANGE_NAMES = {"+": "created", "~": "changed", "-": "deleted"}

    version = serializers.IntegerField()
    changed_at = serializers.DateTimeField(source="history_date")
    changed_by = serializers.SerializerMethodField(
        help_text="The username for logged-in readers; administrator, staff or "
        "editor for anonymous ones; null when no user is recorded."
    )
    change = serializers.SerializerMethodField()
    fields = HistoricalPositionFieldsSerializer(source="*")

    def get_changed_by(self, record) -> str | None:
        request = self.context.get("request")
        return editor_label(record.history_user, request and request.user)

    @extend_schema_field(
        serializers.ChoiceField(choices=["created", "changed", "deleted"])
    )
    def get_change(self, record) -> str:
        return self.CHANGE_NAMES[record.history_type]


class BulkErrorSerializer(serializers.Serializer):
    errors = serializers.DictField(
        child=serializers.DictField(
            child=serializers.ListField(child=serializers.CharField())
        ),
        help_text="Errors of each invalid row, keyed by its index in the list "
        "(or by `request` when the body is not a list at all).",
    )


class DiffSerializer(serializers.Serializer):
    """A pair whose as-of stance differs between ``from_date`` and ``to_date``."""

    actor = serializers.CharField(source="actor_slug")
    proposal = serializers.CharField(source="proposal_slug")
    kind = serializers.ChoiceField(
        choices=["new", "shift", "reversal"],
        help_text="`new`: no stance on from_date; `reversal`: the sign flips "
        "between the two dates; else `shift`.",
    )
    from_stance = serializers.ChoiceField(choices=Stance.choices, allow_null=True)
    from_stance_label = serializers.CharField(allow_null=True)
    from_stated_on = serializers.DateField(allow_null=True)
    from_position = serializers.IntegerField(
        source="from_position_id",
        allow_null=True,
        help_text="The position standing for the as-of stance on from_date.",
    )
    from_disputed = serializers.BooleanField(allow_null=True)
    to_stance = serializers.ChoiceField(choices=Stance.choices)
    to_stance_label = serializers.CharField()
    to_stated_on = serializers.DateField()
    to_position = serializers.IntegerField(
        source="to_position_id",
        help_text="The position standing for the as-of stance on to_date.",
    )
    to_disputed = serializers.BooleanField()
    positions_between = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="The positions standing for the pair's changes after from_date, "
        "up to to_date inclusive (ascending ids; space-separated in CSV).",
    )


class ProposalSummarySerializer(serializers.Serializer):
    proposal = serializers.CharField(source="proposal_slug")
    stance_at_since = serializers.ChoiceField(choices=Stance.choices, allow_null=True)
    stance_at_until = serializers.ChoiceField(choices=Stance.choices, allow_null=True)
    shifts = serializers.IntegerField(help_text="Uncontested shifts in the period.")
    reversals = serializers.IntegerField(
        help_text="Uncontested reversals in the period."
    )
    contested_changes = serializers.IntegerField(
        help_text="Contested shifts and reversals in the period, counted apart."
    )
    verdict = serializers.ChoiceField(
        choices=["reversal", "shift", "no_change"],
        help_text="`reversal` if an uncontested reversal falls in the period, else "
        "`shift` if an uncontested shift does, else `no_change`.",
    )


class ActorSummarySerializer(serializers.Serializer):
    actor = serializers.CharField()
    since = serializers.DateField(allow_null=True)
    until = serializers.DateField()
    proposals = ProposalSummarySerializer(many=True)
