import datetime

from django.http import Http404
from django.shortcuts import render

from actors.models import Actor
from actors.selectors import actor_read
from config.lib.access import public_read
from config.lib.pagination import web_page
from config.lib.past_pages import reads_the_past
from config.lib.slugs import follows_renamed_slug
from positions.forms import PeriodOptions
from positions.selectors import (
    actor_index,
    actor_page,
    actor_positions,
    as_positions,
)


@public_read
@reads_the_past
@follows_renamed_slug(Actor)
def actor_detail(request, slug):
    actor = actor_read(slug=slug)
    if actor is None:
        raise Http404(f"No actor “{slug}”.")
    period = PeriodOptions(request.GET)
    period.is_valid()  # a bad date falls back to its default, with the error shown
    positions = web_page(request, actor_positions(actor=actor))
    return render(
        request,
        "positions/actor_detail.html",
        {
            "actor": actor,
            "positions": as_positions(positions.pop("rows")),
            "period": period,
        }
        | positions
        | actor_page(
            actor=actor,
            today=datetime.date.today(),
            since=period.cleaned_data.get("since"),
            until=period.cleaned_data.get("until"),
            attributions=period.cleaned_data.get("attribution") or None,
        ),
    )


@public_read
def actor_list(request):
    return render(request, "positions/actor_list.html", actor_index())
