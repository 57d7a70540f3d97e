"""What moved: the two-date comparison and the flip-o-meter of a side."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from actors.models import Actor
from config.lib.limits import is_digits
from config.lib.rest import slug_or_id
from config.lib.schema import ERRORS
from config.lib.slugs import get_by_slug_or_404
from config.lib.snapshots import VersionedReadMixin
from positions import selectors
from positions.api.analysis import (
    ATTRIBUTION_PARAMETER,
    PagedAnalysisView,
    date_parameter,
    paged_schema,
)
from positions.parameters import (
    DIFF_CURSOR,
    PERSON_AS_SIDE,
    DiffParameters,
    SummaryParameters,
    parse,
)
from positions.serializers import ActorSummarySerializer, DiffSerializer


class DiffView(PagedAnalysisView):
    parameters_class = DiffParameters
    serializer_class = DiffSerializer
    cursor_key = DIFF_CURSOR
    csv_filename = "diff.csv"

    def select(self, **arguments):
        return selectors.diff_rows(**arguments)

    @paged_schema(
        summary="What moved between two dates",
        description="Every actor × proposal whose as-of stance on `to_date` differs "
        "from its as-of stance on `from_date`: with `negotiation`, its participants "
        "(or the actors asked for) on its proposals. `from_date` must be before "
        "`to_date`. " + selectors.RESOLUTION_RULE,
        parameters=[
            OpenApiParameter(
                "from_date", OpenApiTypes.DATE, required=True, description="D1."
            ),
            OpenApiParameter(
                "to_date",
                OpenApiTypes.DATE,
                required=True,
                description="D2, after D1.",
            ),
        ],
        name="DiffPage",
        serializer_class=DiffSerializer,
    )
    def get(self, request):
        return super().get(request)


class ActorSummaryView(VersionedReadMixin, APIView):
    @extend_schema(
        summary="Flip-o-meter: how a side's stance on each proposal moved",
        description="Per proposal the side has a stance on by `until`: its as-of "
        "stances on `since` and `until`, and its changes in between (both "
        "inclusive), uncontested shifts and reversals counted, contested ones "
        "counted apart. `verdict` is `reversal` if an uncontested reversal falls in "
        "the period, else `shift` if an uncontested shift does, else `no_change`. "
        "A person is never a side: 400.",
        parameters=[
            date_parameter("since", "Inclusive; default: the first date."),
            date_parameter("until", "Inclusive; default today."),
            ATTRIBUTION_PARAMETER,
        ],
        responses={200: ActorSummarySerializer, 400: ERRORS[400], 404: ERRORS[404]},
    )
    def get(self, request, slug):
        # By slug, by id (all digits), or by an old slug of a renamed actor.
        actor = (
            get_object_or_404(Actor, **slug_or_id(slug))
            if is_digits(slug)
            else get_by_slug_or_404(Actor, slug)
        )
        if actor.kind == Actor.Kind.PERSON:
            raise exceptions.ValidationError(
                {"actor": [PERSON_AS_SIDE % {"value": actor.slug}]}
            )
        arguments = parse(SummaryParameters, request).arguments()
        proposals = selectors.actor_summary(actor=actor, **arguments)
        return Response(
            ActorSummarySerializer(
                {"actor": actor.slug, **arguments, "proposals": proposals}
            ).data
        )
