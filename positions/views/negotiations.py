import datetime

from django.shortcuts import get_object_or_404, render

from config.lib.access import public_read
from positions.forms import MatrixOptions
from positions.models import Negotiation
from positions.selectors import negotiation_page


@public_read
def negotiation_detail(request, slug):
    negotiation = get_object_or_404(Negotiation, slug=slug)
    options = MatrixOptions(request.GET, negotiation=negotiation)
    options.is_valid()  # a bad value falls back to its default, with the error shown
    data = options.cleaned_data
    return render(
        request,
        "positions/negotiation_detail.html",
        {"negotiation": negotiation, "options": options}
        | negotiation_page(
            negotiation=negotiation,
            as_of=data.get("as_of") or datetime.date.today(),
            a=data.get("a"),
            b=data.get("b"),
        ),
    )
