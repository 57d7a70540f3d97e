from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from positions.charts import stance_chart
from positions.decorators import public_read
from positions.models import Proposal
from positions.selectors import (
    RESOLUTION_RULE,
    change_list,
    proposal_positions,
    recent_period_start,
    resolved_days,
)
from positions.views.charts import observations_by

POSITIONS_PER_PAGE = 50
# The chart and its table cover the period of the latest this many
# positions: a chart of every day of decades would be unreadable and
# slow (12,000 days for a busy proposal at a million positions).
CHART_POSITIONS = 120


@public_read
def proposal_detail(request, slug):
    proposal = get_object_or_404(
        Proposal.objects.select_related("negotiation", "originated_by"), slug=slug
    )
    window_start = recent_period_start(proposals=[proposal], positions=CHART_POSITIONS)
    days = resolved_days(proposals=[proposal], stated_from=window_start)
    by_actor = observations_by(days, key=lambda day: day.actor_slug)
    names = {day.actor_slug: day.actor_name for day in days}
    chart = stance_chart(
        [(names[slug], slug, by_actor[slug]) for slug in sorted(names, key=names.get)]
    )
    positions = Paginator(proposal_positions(proposal=proposal), POSITIONS_PER_PAGE)
    return render(
        request,
        "positions/proposal_detail.html",
        {
            "proposal": proposal,
            "chart": chart,
            "days": days,
            "page": positions.get_page(request.GET.get("page")),
            "changes": change_list(proposals=[proposal], limit=20),
            "window_start": window_start,
            "resolution_rule": RESOLUTION_RULE,
        },
    )
