from django.shortcuts import render

from config.lib.access import public_read
from config.lib.limits import PAGE_SIZE
from config.lib.pagination import InvalidCursor, page_links, selector_page
from config.lib.past_pages import reads_the_past
from config.lib.snapshots import VERSION_PARAMETERS
from positions.forms.names import names_to_slugs, page_filter_fields
from positions.parameters import CHANGE_CURSOR, ChangesParameters
from positions.selectors import RESOLUTION_RULE, change_list


@public_read
@reads_the_past
def change_list_page(request):
    query, name_errors = names_to_slugs(request.GET, page_filter_fields())
    parameters = ChangesParameters(query)
    context = {
        "parameters": parameters,
        # What was typed stays in the inputs, names and all.
        "typed": request.GET,
        # The same filter for the feed and the downloads, by slug, no page.
        "api_query": _filters_only(query).urlencode(),
        "changes": [],
        "chosen_kinds": request.GET.getlist("kind"),
        "resolution_rule": RESOLUTION_RULE,
    }
    if parameters.is_valid() and not name_errors:
        arguments = parameters.arguments()
        try:
            page = selector_page(
                cursor=request.GET.get("cursor"),
                size=PAGE_SIZE,
                fetch=lambda after, limit: change_list(
                    **arguments, after=after, limit=limit
                ),
                key_of=CHANGE_CURSOR.of,
                parse_key=CHANGE_CURSOR.parse,
            )
        except InvalidCursor:
            parameters.unknown["cursor"] = ["That page link is broken."]
        else:
            context |= {"changes": page.rows} | page_links(request, page)
    for name, messages in name_errors.items():
        # The name's own message ("No actor is called …"), not the slug field's.
        parameters.errors[name] = parameters.error_class(messages)
    return render(request, "positions/change_list.html", context)


def _filters_only(query):
    query = query.copy()
    query.pop("cursor", None)
    # Links to what reads the past get known_at or release from the page
    # (reads_the_past); the feed, which does not, must not get them.
    for name in VERSION_PARAMETERS:
        query.pop(name, None)
    return query
