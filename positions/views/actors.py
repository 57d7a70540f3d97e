import datetime

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from actors.models import Actor
from positions.charts import SPARK, stance_chart
from positions.decorators import public_read
from positions.selectors import (
    RESOLUTION_RULE,
    actor_positions,
    change_list,
    recent_period_start,
    resolved_days,
    stances_as_of,
)
from positions.views.charts import observations_by

# The small charts cover the period of the actor's latest this many
# positions: decades of a busy side are tens of thousands of days.
CHART_POSITIONS = 600


@public_read
def actor_detail(request, slug):
    actor = get_object_or_404(Actor, slug=slug)
    today = datetime.date.today()
    current = stances_as_of(on=today, actors=[actor])
    window_start = recent_period_start(actors=[actor], positions=CHART_POSITIONS)
    days = resolved_days(actors=[actor], stated_from=window_start)
    by_proposal = observations_by(days, key=lambda day: day.proposal_slug)
    # One time axis for every small chart, so their rows can be compared.
    span = (
        (min(d.stated_on for d in days), max(d.stated_on for d in days))
        if days
        else None
    )
    stances = [
        {
            "stance": stance,
            "chart": stance_chart(
                [(actor.label, actor.slug, by_proposal[stance.proposal_slug])],
                box=SPARK,
                span=span,
            ),
        }
        for stance in sorted(current, key=lambda s: s.proposal_title)
    ]
    return render(
        request,
        "positions/actor_detail.html",
        {
            "actor": actor,
            "affiliations": actor.affiliations.select_related("organization"),
            "members": actor.members.select_related("person"),
            "stances": stances,
            "changes": change_list(actors=[actor], limit=20),
            "window_start": window_start,
            "page": Paginator(actor_positions(actor=actor), 50).get_page(
                request.GET.get("page")
            ),
            "resolution_rule": RESOLUTION_RULE,
        },
    )
