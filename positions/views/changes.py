from django.shortcuts import render

from config.keyset import InvalidCursor, selector_page
from positions.decorators import public_read
from positions.parameters import ChangesParameters, change_cursor_key
from positions.selectors import DEFAULT_CHANGE_KINDS, RESOLUTION_RULE, change_list
from positions.views.paging import PAGE_SIZE, page_links


@public_read
def change_list_page(request):
    parameters = ChangesParameters(request.GET)
    context = {
        "parameters": parameters,
        "changes": [],
        "chosen_kinds": request.GET.getlist("kind"),
        "resolution_rule": RESOLUTION_RULE,
    }
    if parameters.is_valid():
        data = parameters.cleaned_data
        arguments = parameters.scope() | {
            "since": data["since"],
            "until": data["until"],
            "kinds": data["kind"] or DEFAULT_CHANGE_KINDS,
        }
        try:
            changes, next_cursor = selector_page(
                cursor=request.GET.get("cursor"),
                size=PAGE_SIZE,
                fetch=lambda after, limit: change_list(
                    **arguments, after=after, limit=limit
                ),
                key_of=lambda change: [
                    change.changed_on.isoformat(),
                    change.to_position_id,
                ],
                parse_key=change_cursor_key,
            )
        except InvalidCursor:
            parameters.unknown["cursor"] = ["That page link is broken."]
        else:
            context |= {"changes": changes} | page_links(
                request, next_cursor=next_cursor
            )
    return render(request, "positions/change_list.html", context)
