from django.shortcuts import get_object_or_404, render

from config.lib.access import public_read
from config.lib.pagination import web_page
from positions.models import Proposal
from positions.selectors import proposal_page, proposal_positions


@public_read
def proposal_detail(request, slug):
    proposal = get_object_or_404(
        Proposal.objects.select_related("negotiation", "originated_by"), slug=slug
    )
    positions = web_page(request, proposal_positions(proposal=proposal))
    return render(
        request,
        "positions/proposal_detail.html",
        {"proposal": proposal, "positions": positions.pop("rows")}
        | positions
        | proposal_page(proposal=proposal),
    )
