import datetime

from django.http import Http404
from django.shortcuts import render

from config.lib.access import public_read
from config.lib.past_pages import reads_the_past
from config.lib.slugs import follows_renamed_slug
from positions.forms import CompareOptions, MatrixOptions
from positions.models import Negotiation
from positions.selectors import (
    compare_page,
    negotiation_events,
    negotiation_index,
    negotiation_page,
    negotiation_read,
)
from positions.templatetags.svg_charts import standalone_svg
from positions.views.proposals import svg_download


@public_read
@reads_the_past
@follows_renamed_slug(Negotiation)
def negotiation_detail(request, slug):
    negotiation = _negotiation_or_404(slug)
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
            attributions=data.get("attribution") or None,
        ),
    )


@public_read
@reads_the_past
@follows_renamed_slug(Negotiation)
def negotiation_compare(request, slug):
    negotiation = _negotiation_or_404(slug)
    options = CompareOptions(request.GET or None)
    context = {
        "negotiation": negotiation,
        "options": options,
        "events": negotiation_events(negotiation_ids=[negotiation.pk]),
    }
    if options.is_bound and not options.is_valid():
        return render(
            request, "positions/negotiation_compare.html", context, status=400
        )
    if options.is_bound:
        data = dict(options.cleaned_data)
        attributions = data.pop("attribution") or None
        context |= compare_page(
            negotiation=negotiation, attributions=attributions, **data
        )
    return render(request, "positions/negotiation_compare.html", context)


@public_read
def negotiation_list(request):
    return render(
        request,
        "positions/negotiation_list.html",
        {"negotiations": negotiation_index()},
    )


@public_read
@reads_the_past
def negotiation_gap_chart(request, slug):
    """The negotiation page's gap chart (its main parties, or ``a`` and ``b``)
    as an SVG file, of the page's attributions, as of ``known_at`` or a
    release as its page."""
    negotiation = _negotiation_or_404(slug)
    options = MatrixOptions(request.GET, negotiation=negotiation)
    if not options.is_valid():
        raise Http404("; ".join(options.errors))
    page = negotiation_page(
        negotiation=negotiation,
        as_of=datetime.date.today(),
        a=options.cleaned_data.get("a"),
        b=options.cleaned_data.get("b"),
        attributions=options.cleaned_data["attribution"] or None,
    )
    return svg_download(
        standalone_svg(page["gap_chart"], f"Gap over time: {negotiation.title}"),
        filename=f"{negotiation.slug}-gap.svg",
    )


def _negotiation_or_404(slug: str) -> Negotiation:
    negotiation = negotiation_read(slug=slug)
    if negotiation is None:
        raise Http404(f"No negotiation “{slug}”.")
    return negotiation
