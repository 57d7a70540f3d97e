import datetime

from django import forms
from django.shortcuts import get_object_or_404, render

from actors.models import Actor
from positions.charts import Observation, gap_chart
from positions.decorators import public_read
from positions.models import Negotiation
from positions.selectors import (
    RESOLUTION_RULE,
    gap_series,
    main_parties,
    negotiation_matrix,
)

# The chart and table show the latest this many dates of the gap: decades of
# coverage give thousands, too many to read or to render quickly.
GAP_POINTS = 120


class MatrixOptions(forms.Form):
    as_of = forms.DateField(
        required=False, label="As of", widget=forms.DateInput(attrs={"type": "date"})
    )
    a = forms.ModelChoiceField(
        Actor.objects.none(), to_field_name="slug", required=False
    )
    b = forms.ModelChoiceField(
        Actor.objects.none(), to_field_name="slug", required=False
    )

    def __init__(self, data, *, negotiation, **kwargs):
        super().__init__(data, **kwargs)
        for name in ("a", "b"):
            self.fields[name].queryset = negotiation.participants.all()


@public_read
def negotiation_detail(request, slug):
    negotiation = get_object_or_404(Negotiation, slug=slug)
    options = MatrixOptions(request.GET, negotiation=negotiation)
    options.is_valid()  # a bad value falls back to its default, with the error shown
    data = options.cleaned_data
    as_of = data.get("as_of") or datetime.date.today()
    parties = main_parties(negotiation=negotiation)
    a, b = data.get("a"), data.get("b")
    if (a is None or b is None) and len(parties) == 2:
        a, b = a or parties[0], b or parties[1]
    gap, gap_dates = [], 0
    if a is not None and b is not None and a != b:
        gap = gap_series(a=a, b=b, negotiation=negotiation)
        gap_dates = len(gap)
        gap = gap[-GAP_POINTS:]
    return render(
        request,
        "positions/negotiation_detail.html",
        {
            "negotiation": negotiation,
            "options": options,
            "as_of": as_of,
            "matrix": negotiation_matrix(negotiation=negotiation, on=as_of),
            "a": a,
            "b": b,
            "gap": gap,
            "gap_dates": gap_dates,
            "gap_chart": gap_chart([_gap_observation(point) for point in gap]),
            "resolution_rule": RESOLUTION_RULE,
        },
    )


def _gap_observation(point) -> Observation:
    if point.gap is None:
        title = f"{point.date}: no proposal on which both have a stance"
    else:
        title = f"{point.date}: gap {point.gap:.2f} over {point.proposals} shared proposal(s)"
    return Observation(day=point.date, value=point.gap, title=title)
