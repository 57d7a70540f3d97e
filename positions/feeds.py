import datetime

from django.contrib.auth.views import redirect_to_login
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from config.lib.access import may_read
from positions.parameters import ChangesParameters
from positions.selectors import change_list

FEED_LENGTH = 50


class ChangesFeed(Feed):
    """Atom feed of stance changes, newest first; ``?actor=`` and ``?negotiation=``
    (repeatable) narrow it and ``?contested=false`` leaves contested changes
    out, as on the changes page."""

    feed_type = Atom1Feed
    description_template = None

    def __call__(self, request, *args, **kwargs):
        if not may_read(request.user):
            return redirect_to_login(request.get_full_path())
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request):
        parameters = ChangesParameters(request.GET)
        if not parameters.is_valid():
            raise Http404(
                "; ".join(
                    f"{k}: {' '.join(v)}" for k, v in parameters.all_errors.items()
                )
            )
        return parameters.arguments()

    def title(self, arguments):
        return "Stance changes"

    def subtitle(self, arguments):
        return "Who moved on which proposal, newest first."

    def link(self, arguments):
        return reverse("positions:change-list")

    def items(self, arguments):
        return change_list(**arguments, limit=FEED_LENGTH)

    def item_title(self, change):
        marked = " (contested)" if change.contested else ""
        if change.kind == "initial":
            return f"{change.actor_name}: first stance on {change.proposal_title}, {change.to_label}{marked}"
        return (
            f"{change.actor_name}: {change.kind} on {change.proposal_title}, "
            f"from {change.from_label} to {change.to_label}{marked}"
        )

    def item_description(self, change):
        disputed = (
            " Sources of that day or the one before disagree (disputed)."
            if change.disputed
            else ""
        )
        contested = (
            " Contested: the highest-confidence sources disagreed, so this may be"
            " an artefact of coding rather than a move."
            if change.contested
            else ""
        )
        return f"Changed on {change.changed_on}.{disputed}{contested}"

    def item_link(self, change):
        return reverse("positions:position-detail", args=[change.to_position_id])

    def item_guid(self, change):
        # Atom ids are URIs; a change is one pair on one date.
        return f"urn:stance-tracker:change:{change.actor_id}:{change.proposal_id}:{change.changed_on}"

    item_guid_is_permalink = False

    def item_pubdate(self, change):
        return datetime.datetime.combine(
            change.changed_on, datetime.time(), tzinfo=datetime.UTC
        )

    def item_updateddate(self, change):
        return self.item_pubdate(change)
