import django_filters

from actors.models import Actor
from actors.selectors import negotiation_participant_ids
from config.lib.filtering import SlugsFilter, SyncFilterSet


def _negotiations():
    # The negotiations app depends on this one, never the reverse: reach its
    # model through the relation it adds to Actor.
    return Actor._meta.get_field("negotiations").related_model.objects.all()


class ActorFilter(SyncFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Actor.Kind.choices)
    search = django_filters.CharFilter(
        method="filter_search", help_text="Name, short name or an alias contains this."
    )
    negotiation = SlugsFilter(
        field_name="negotiations",
        queryset=_negotiations,
        method="filter_negotiation",
        help_text="Participants of the negotiation with this slug (repeat for OR).",
    )

    class Meta:
        model = Actor
        fields = ["kind", "search", "negotiation"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_negotiation(self, queryset, name, value):
        # Participants as the request reads them (live, or as of a past data
        # version): an IN subquery, which repeats no actor.
        return queryset.filter(
            id__in=negotiation_participant_ids(negotiations=list(value))
        )
