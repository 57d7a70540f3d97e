from django.http import Http404, HttpResponse
from django.shortcuts import render

from config.lib.access import public_read
from config.lib.pagination import web_page
from config.lib.past_pages import reads_the_past
from config.lib.slugs import follows_renamed_slug
from positions.forms import ProposalOptions
from positions.models import Proposal
from positions.selectors import (
    as_positions,
    proposal_index,
    proposal_page,
    proposal_positions,
    proposal_read,
)
from positions.templatetags.svg_charts import standalone_svg


@public_read
@reads_the_past
@follows_renamed_slug(Proposal)
def proposal_detail(request, slug):
    proposal = proposal_read(slug=slug)
    if proposal is None:
        raise Http404(f"No proposal “{slug}”.")
    options = ProposalOptions(request.GET)
    options.is_valid()  # a bad value falls back to its default, with the error shown
    positions = web_page(request, proposal_positions(proposal=proposal))
    return render(
        request,
        "positions/proposal_detail.html",
        {
            "proposal": proposal,
            "positions": as_positions(positions.pop("rows")),
            "options": options,
        }
        | positions
        | proposal_page(
            proposal=proposal,
            attributions=options.cleaned_data.get("attribution") or None,
            by_speaker=options.cleaned_data.get("by") == "speaker",
        ),
    )


@public_read
def proposal_list(request):
    return render(
        request, "positions/proposal_list.html", {"proposals": proposal_index()}
    )


@public_read
@reads_the_past
def proposal_chart(request, slug):
    """The proposal page's chart as an SVG file, drawn as the page it is
    downloaded from draws it: its lines and attributions, as of ``known_at``
    or a release."""
    proposal = proposal_read(slug=slug)
    if proposal is None:
        raise Http404(f"No proposal “{slug}”.")
    options = ProposalOptions(request.GET)
    if not options.is_valid():
        raise Http404("; ".join(options.errors))
    chart = proposal_page(
        proposal=proposal,
        attributions=options.cleaned_data["attribution"] or None,
        by_speaker=options.cleaned_data["by"] == "speaker",
    )["chart"]
    return svg_download(
        standalone_svg(chart, f"Stance of each actor on {proposal.title} over time"),
        filename=f"{proposal.slug}.svg",
    )


def svg_download(svg: str, *, filename: str) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
