from django.shortcuts import get_object_or_404, render

from config.lib.access import public_read
from config.lib.slugs import follows_renamed_slug
from positions.models import Event
from positions.selectors import event_page


@public_read
@follows_renamed_slug(Event)
def event_detail(request, slug):
    event = get_object_or_404(Event.objects.select_related("negotiation"), slug=slug)
    return render(
        request,
        "positions/event_detail.html",
        {"event": event} | event_page(event=event),
    )
