from django.shortcuts import render

from config.lib.access import public_read
from config.lib.past_pages import reads_the_past
from positions.forms import SearchForm
from positions.selectors import NOTHING, SearchFilters, search_everything


@public_read
@reads_the_past
def search(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "positions/search.html",
            {"form": form, "query": "", "results": NOTHING},
            status=400,
        )
    data = form.cleaned_data
    query = data["q"]
    filters = SearchFilters(
        actor=data["actor"],
        proposal=data["proposal"],
        since=data["since"],
        until=data["until"],
    )
    return render(
        request,
        "positions/search.html",
        {
            "form": form,
            "query": query,
            "results": search_everything(query=query, filters=filters),
        },
    )
