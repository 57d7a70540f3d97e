from django.shortcuts import render

from config.lib.access import public_read
from positions.forms import SearchForm
from positions.selectors import SearchResults, search_everything


@public_read
def search(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "positions/search.html",
            {"form": form, "query": "", "results": SearchResults([], [], [], [])},
            status=400,
        )
    query = form.cleaned_data["q"]
    return render(
        request,
        "positions/search.html",
        {"form": form, "query": query, "results": search_everything(query=query)},
    )
