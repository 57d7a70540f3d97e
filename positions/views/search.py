from django.shortcuts import render

from config.lib.access import public_read
from positions.selectors import search_everything

MAX_QUERY_LENGTH = 200


@public_read
def search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    return render(
        request,
        "positions/search.html",
        {"query": query, "results": search_everything(query=query)},
    )
