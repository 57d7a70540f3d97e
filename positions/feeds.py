import datetime

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from positions.parameters import ChangesParameters
from positions.selectors import DEFAULT_CHANGE_KINDS, change_list

FEED_LENGTH = 50


class ChangesFeed(Feed):
    """Atom feed of stance changes, newest first; ``?actor=`` and ``?negotiation=``
    (repeatable) narrow it, as on the changes page."""

    feed_type = Atom1Feed
    description_template = None

    def __call__(self, request, *args, **kwargs):
        if not settings.PUBLIC_READ and not request.user.is_authenticated:
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
        data = parameters.cleaned_data
        return parameters.scope() | {
            "since": data["since"],
            "until": data["until"],
            "kinds": data["kind"] or DEFAULT_CHANGE_KINDS,
        }

    def title(self, arguments):
        return "Stance changes"

    def subtitle(self, arguments):
        return "Who moved on which proposal, newest first."

    def link(self, arguments):
        return reverse("positions:change-list")

    def items(self, arguments):
        return change_list(**arguments, limit=FEED_LENGTH)

    def item_title(self, change):
        if change.kind == "initial":
            return f"{change.actor_name}: first stance on {change.proposal_title}, {change.to_label}"
        return (
            f"{change.actor_name}: {change.kind} on {change.proposal_title}, "
            f"from {change.from_label} to {change.to_label}"
        )

    def item_description(self, change):
        disputed = (
            " Sources of that day disagree (disputed)." if change.disputed else ""
        )
        return f"Changed on {change.changed_on}.{disputed}"

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
